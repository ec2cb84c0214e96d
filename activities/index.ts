/** Activities, built by createActivities({ db, llm, storage }) so the worker passes real dependencies. */
export function createActivities() {
  return {};
}
