// Starts the NHS design system's components. Every page also works without JavaScript.
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';

initAll();
