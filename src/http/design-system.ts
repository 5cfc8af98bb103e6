// The NHS design system's stylesheet as this register serves it. The compiled CSS in nhsuk-frontend
// asks assets.nhs.uk for the Frutiger web fonts and looks for its icons at /assets/images/. The
// register must work on a closed network with no request leaving its own origin (issue 9), and
// Frutiger is licensed for NHS websites only, so it is not shipped: the @font-face rules that point
// to another host are dropped (the font stack falls back to Arial, as it does for anyone who blocks
// web fonts) and the icons are re-rooted to where the register serves the package's own images.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const NHSUK_DIST = path.join(path.dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk');
/** Where the package's dist folder is served; the layout links the stylesheet below it. */
export const NHSUK_PREFIX = '/assets/nhsuk/';
export const NHSUK_STYLESHEET = `${NHSUK_PREFIX}nhsuk-frontend.min.css`;

/** The stylesheet with no reference to another origin. */
export function sameOriginStylesheet(css: string, assetsUrl = `${NHSUK_PREFIX}assets/`): string {
  return css
    .replace(/@font-face\s*\{[^}]*url\(\s*["']?(?:https?:)?\/\/[^}]*\}/g, '')
    .replace(/url\(\s*(["']?)\/assets\//g, `url($1${assetsUrl}`);
}

export function loadNhsukStylesheet(): string {
  return sameOriginStylesheet(readFileSync(path.join(NHSUK_DIST, 'nhsuk-frontend.min.css'), 'utf8'));
}
