// Starts the NHS design system's components and the register's own enhancements. Every page also
// works without JavaScript.
import { initAll } from '/assets/nhsuk/nhsuk-frontend.min.js';
import { enhanceOrganisationLists } from '/assets/s117/organisations.js';
import { enhanceImportProgress } from '/assets/s117/import-progress.js';
import { enhanceProposals } from '/assets/s117/proposals.js';
import { enhanceServiceSections } from '/assets/s117/service-sections.js';

initAll();
enhanceOrganisationLists();
enhanceProposals();
enhanceServiceSections();
enhanceImportProgress();
