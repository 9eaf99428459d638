/**
 * A vitest reporter for runs outside a terminal (CI, logs), where nothing shows while a file runs: every 30 s it
 * names each test file running for 30 s or more, and the test in it that is running (or its hooks).
 */
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';

const EVERY_MS = 30_000;

export default class SlowTestReporter implements Reporter {
  private vitest?: Vitest;
  private timer?: NodeJS.Timeout;
  private readonly modules = new Map<TestModule, number>();
  private readonly tests = new Map<TestCase, number>();

  onInit(vitest: Vitest) {
    this.vitest = vitest;
  }

  onTestRunStart() {
    this.timer = setInterval(() => this.report(), EVERY_MS);
    this.timer.unref();
  }

  onTestModuleStart(module: TestModule) {
    this.modules.set(module, Date.now());
  }

  onTestModuleEnd(module: TestModule) {
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
    this.modules.clear();
    this.tests.clear();
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
