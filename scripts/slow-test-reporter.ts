/**
 * A vitest reporter for runs outside a terminal (CI, logs), where nothing shows while a file runs: every 30 s it
 * names each test file running for 30 s or more, and the test in it that is running (or its hooks). At the end it
 * prints where the run's time went: each project's span (its first file's start to its last file's end, from the
 * run's start) and busy time (its files' durations added up), and the ten slowest files — the figures the test loop's
 * speed is judged by.
 */
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

const EVERY_MS = 30_000;

export default class SlowTestReporter implements Reporter {
  private vitest?: Vitest;
  private timer?: NodeJS.Timeout;
  private readonly modules = new Map<TestModule, number>();
  private readonly tests = new Map<TestCase, number>();
  private runStarted = 0;
  private readonly finished: { project: string; file: string; started: number; ended: number }[] = [];

  onInit(vitest: Vitest) {
    this.vitest = vitest;
  }

  onTestRunStart() {
    this.runStarted = Date.now();
    this.finished.length = 0;
    this.timer = setInterval(() => this.report(), EVERY_MS);
    this.timer.unref();
  }

  onTestModuleStart(module: TestModule) {
    this.modules.set(module, Date.now());
  }

  onTestModuleEnd(module: TestModule) {
    const started = this.modules.get(module);
    if (started !== undefined) {
      this.finished.push({
        project: module.project.name,
        file: module.relativeModuleId,
        started,
        ended: Date.now(),
      });
    }
    this.modules.delete(module);
    for (const test of this.tests.keys()) if (test.module === module) this.tests.delete(test);
  }

  onTestCaseReady(test: TestCase) {
    this.tests.set(test, Date.now());
  }

  onTestCaseResult(test: TestCase) {
    this.tests.delete(test);
  }

  onTestRunEnd() {
    clearInterval(this.timer);
    this.summarize();
    this.modules.clear();
    this.tests.clear();
  }

  private summarize() {
    if (this.finished.length === 0) return;
    const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
    const lines = ['', 'Where the time went (from the run’s start):'];
    const projects = new Map<string, { first: number; last: number; busy: number; files: number }>();
    for (const { project, started, ended } of this.finished) {
      const p = projects.get(project) ?? { first: started, last: ended, busy: 0, files: 0 };
      p.first = Math.min(p.first, started);
      p.last = Math.max(p.last, ended);
      p.busy += ended - started;
      p.files++;
      projects.set(project, p);
    }
    for (const [name, p] of [...projects].sort((a, b) => a[1].first - b[1].first)) {
      lines.push(
        `  ${name.padEnd(14)} ${seconds(p.first - this.runStarted).padStart(6)} → ${seconds(p.last - this.runStarted).padStart(6)}` +
          `   ${p.files} files, busy ${seconds(p.busy)}`,
      );
    }
    lines.push('  slowest files:');
    for (const f of [...this.finished].sort((a, b) => b.ended - b.started - (a.ended - a.started)).slice(0, 10)) {
      lines.push(`    ${seconds(f.ended - f.started).padStart(6)}  [${f.project}] ${f.file}`);
    }
    this.vitest?.logger.log(lines.join('\n'));
  }

  private report() {
    const now = Date.now();
    for (const [module, started] of this.modules) {
      if (now - started < EVERY_MS) continue;
      const running = [...this.tests].filter(([test]) => test.module === module);
      const what = running.length
        ? running.map(([test, since]) => `${test.fullName} (${Math.round((now - since) / 1000)} s)`).join('; ')
        : 'hooks';
      this.vitest?.logger.log(
        `  … still running after ${Math.round((now - started) / 1000)} s: [${module.project.name}] ${module.relativeModuleId} › ${what}`,
      );
    }
  }
}
