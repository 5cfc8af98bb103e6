// Issue 9 item 7: the service form shows only the sections that apply to the kind of service. The
// add form asks the kind first and the server renders only its sections; on the change form, where
// the kind is a list, changing it shows or hides the sections here. A hidden section's fields are
// disabled, so that nothing in them is posted.
function setShown(section, shown) {
  section.hidden = !shown;
  for (const field of section.querySelectorAll('input, select, textarea')) field.disabled = !shown;
}

export function enhanceServiceSections() {
  const category = document.querySelector('select#category[data-s117-kind]');
  if (!category) return;
  const sections = [...document.querySelectorAll('[data-s117-section]')];
  for (const section of sections) if (section.hidden) setShown(section, false);
  category.addEventListener('change', () => {
    for (const section of sections) setShown(section, section.dataset.s117Categories.split(' ').includes(category.value));
  });
}
