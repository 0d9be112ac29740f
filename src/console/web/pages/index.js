// The console's pages in navigation order. The shell (../app.js) shows the navigation from
// this list and loads a page's module only when it is opened (a dynamic import), so a page
// that fails to load breaks only itself. A module's default export:
//   { render(root, params, ctx) -> optional cleanup function }
// `hash` is the route prefix (#/topics, #/topics/NAME -> params = ['NAME']).
export default [
  { id: 'overview', title: 'Overview', hash: 'overview', module: './overview.js' },
  { id: 'topics', title: 'Topics', hash: 'topics', module: './topics.js' },
  { id: 'messages', title: 'Messages', hash: 'messages', module: './messages.js' },
  { id: 'groups', title: 'Consumer groups', hash: 'groups', module: './groups.js' },
  { id: 'jobs', title: 'Jobs', hash: 'jobs', module: './jobs.js' },
  { id: 'tables', title: 'Tables', hash: 'tables', module: './tables.js' },
  { id: 'schemas', title: 'Schemas', hash: 'schemas', module: './schemas.js' },
  { id: 'dags', title: 'DAGs', hash: 'dags', module: './dags.js' },
];
