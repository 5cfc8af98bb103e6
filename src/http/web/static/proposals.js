// Proposals as the person types (issue 9 item 1): when the postcode or the GP practice code
// changes, the register is asked (same origin, POST so that the postcode is in no URL) for the
// council of the postcode and the ICB of the practice, and a list still unchosen, or chosen by an
// earlier proposal, is set to it with the reason read out beside it (a live region). Without
// JavaScript the server proposes the same when the form is saved (web/people.ts).
import { chooseOrganisation } from '/assets/s117/organisations.js';

function currentValue(id) {
  const field = document.getElementById(id);
  return field ? field.value.trim() : '';
}

export function enhanceProposals() {
  const form = document.querySelector('form[data-s117-proposals]');
  if (!form) return;
  const url = form.dataset.s117Proposals;
  const proposed = new Map(); // list id -> what the proposal put there
  const shown = document.getElementById('proposalsShown');

  async function propose(target) {
    const postcode = currentValue('address-postcode');
    const practiceCode = currentValue('gp-practiceCode');
    const body = new URLSearchParams({ _csrf: form.elements._csrf.value, postcode: target === 'la' ? postcode : '', practiceCode: target === 'icb' ? practiceCode : '' });
    let answer;
    try {
      const response = await fetch(url, { method: 'POST', body, credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!response.ok) return;
      answer = await response.json();
    } catch {
      return; // No proposal: the lists stay as they are.
    }
    const apply = (listId, proposal) => {
      const current = currentValue(listId);
      if (current !== '' && current !== '__other' && current !== proposed.get(listId)) return; // the person chose: leave it
      const note = document.getElementById(`${listId}-proposal`);
      if (!proposal) {
        if (proposed.has(listId)) {
          chooseOrganisation(listId, '');
          proposed.delete(listId);
          if (note) note.textContent = '';
        }
        return;
      }
      chooseOrganisation(listId, proposal.code);
      proposed.set(listId, currentValue(listId));
      if (note) note.textContent = proposal.reason;
      if (shown) shown.value = '1';
    };
    // Changing a person's details: the council already recorded is not a new residence.
    const now = form.elements.residenceNow ? form.elements.residenceNow.value : '';
    if (target === 'la') apply('residence-localAuthority', answer.localAuthority && answer.localAuthority.code !== now ? answer.localAuthority : null);
    if (target === 'icb') apply('gp-icb', answer.icb);
  }

  document.getElementById('address-postcode')?.addEventListener('change', () => propose('la'));
  document.getElementById('gp-practiceCode')?.addEventListener('change', () => propose('icb'));
}
