// Type-ahead for the lists of organisations (issue 9): a progressive enhancement of the plain
// select each form renders (which works without JavaScript). The select becomes a text box with
// the browser's own suggestions (<input list> and <datalist>: native, keyboard and screen-reader
// accessible, no library), labelled and described as the select was. What is posted is what the
// person picked or typed ("Name (CODE)", a name or a code); the server reads it back as the code
// (forms.ts organisationCodeFor). The "another organisation" box is not needed any more: any code
// can be typed in the box itself.
const OTHER = '__other';

function enhance(select) {
  const id = select.id;
  const other = document.getElementById(`${id}-other`);
  const otherGroup = other ? other.closest('.nhsuk-form-group') : null;
  const chosen = select.selectedOptions[0];
  let value = '';
  if (chosen && chosen.value === OTHER) value = other ? other.value : '';
  else if (chosen && chosen.value) value = chosen.text;

  const hint = document.createElement('div');
  hint.className = 'nhsuk-hint';
  hint.id = `${id}-typeahead-hint`;
  hint.textContent = 'Start typing a name or a code, then choose from the suggestions.';

  const input = document.createElement('input');
  input.type = 'text';
  input.id = id;
  input.name = select.name;
  input.value = value;
  input.className = select.classList.contains('nhsuk-select--error') ? 'nhsuk-input nhsuk-input--error' : 'nhsuk-input';
  input.setAttribute('list', `${id}-names`);
  input.setAttribute('autocomplete', 'off');
  input.spellcheck = false;
  const described = [select.getAttribute('aria-describedby'), hint.id].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', described);
  input.dataset.s117Organisations = select.dataset.s117Organisations;

  const names = document.createElement('datalist');
  names.id = `${id}-names`;
  for (const option of select.options) {
    if (!option.value || option.value === OTHER) continue;
    const suggestion = document.createElement('option');
    suggestion.value = option.text;
    names.append(suggestion);
  }

  select.before(hint);
  select.replaceWith(input);
  input.after(names);
  if (other && otherGroup) {
    other.value = '';
    otherGroup.hidden = true;
  }
}

export function enhanceOrganisationLists(root = document) {
  for (const select of root.querySelectorAll('select[data-s117-organisations]')) enhance(select);
}

/** Sets a list (enhanced or not) to an organisation's code, as a proposal would. */
export function chooseOrganisation(id, code) {
  const field = document.getElementById(id);
  if (!field) return;
  if (field.tagName === 'SELECT') {
    field.value = code;
    return;
  }
  const names = document.getElementById(`${id}-names`);
  const match = names ? [...names.options].find((o) => o.value.endsWith(`(${code})`)) : undefined;
  field.value = match ? match.value : code;
}
