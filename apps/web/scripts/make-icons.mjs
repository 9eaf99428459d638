/**
 * Draws the app's PNG icons (web app manifest, Apple touch icon) from the same mark as favicon.svg: a ring on the
 * app's green. Run by hand after changing the mark (`node apps/web/scripts/make-icons.mjs`); the PNGs are committed
 * so a build needs no native renderer.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const GREEN = '#3b6e5a';
const outDir = fileURLToPath(new URL('../public/icons/', import.meta.url));

/**
 * `rounded`: the browser shows the icon as drawn, so the corners are ours. `ringScale` shrinks the ring for a
 * maskable icon, whose outer 10 % on each side may be cut away by the platform's mask (a circle, a squircle).
 */
const mark = ({ rounded, ringScale = 1 }) => {
  const radius = 7 * ringScale;
  const stroke = 3 * ringScale;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
  <rect width="32" height="32" rx="${rounded ? 8 : 0}" fill="${GREEN}"/>
  <circle cx="16" cy="16" r="${radius}" fill="none" stroke="#fff" stroke-width="${stroke}"/>
</svg>`;
};

const icons = [
  { file: 'icon-192.png', size: 192, svg: mark({ rounded: true }) },
  { file: 'icon-512.png', size: 512, svg: mark({ rounded: true }) },
  // The ring spans 10/32 of the side from the centre at scale 1; 0.8 keeps it well inside the 40 % safe circle.
  { file: 'icon-maskable-512.png', size: 512, svg: mark({ rounded: false, ringScale: 0.8 }) },
  // iOS rounds the corners itself and shows transparency as black: a full square.
  { file: 'apple-touch-icon-180.png', size: 180, svg: mark({ rounded: false }) },
];

mkdirSync(outDir, { recursive: true });
for (const { file, size, svg } of icons) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
  writeFileSync(`${outDir}${file}`, png);
  console.log(`${file}: ${size}×${size}, ${png.length} bytes`);
}
