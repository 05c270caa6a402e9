// The UI's `data-testid`s the app tests rely on (one place to update if the UI renames them).
const tid = (id) => `[data-testid="${id}"]`;

export const SEL = {
  demoButton: tid('demo-load'), // "Try with demo clients" on the empty list
  search: tid('search-input'),
  list: tid('client-list'),
  row: tid('client-row'),
  actionCall: tid('action-call'), // <a href="tel:+…">
  actionWhatsapp: tid('action-whatsapp'), // <a href="https://wa.me/…">
  card: tid('client-card'),
  addButton: tid('add-client'),
  firstName: tid('field-first-name'),
  lastName: tid('field-last-name'),
  phone: tid('field-phone'), // the first phone's input
  save: tid('save-client'),
  duplicateWarning: tid('duplicate-warning'),
  startupError: tid('startup-error'),
  todayRows: `${tid('task-row')}, ${tid('birthday-row')}, ${tid('cadence-row')}`,
  todayBadge: tid('today-badge'),
  taskComplete: tid('task-complete'),
  navToday: tid('nav-today'),
  navClients: tid('nav-clients'),
};
