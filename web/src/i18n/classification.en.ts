// Issue 12: the classifier's suggestion at intake (docs/decisions/081).
export default {

  title: 'Suggested category',
  none: 'No suggestion yet: type more, or no classification model is active',
  use: 'Use',
  filled: 'Category “{name}” filled in from the suggestion ({p}); change it if it is wrong',
  low: 'Confidence below {p}: the operator chooses the category',
  department: 'Suggested lead department: {name} ({p})',
  version: 'model v{v}',
  loadFailed: 'Could not load the suggestion: {message}',
  duplicates: 'Possibly the same problem',
  likely: 'Likely duplicate',
  maybe: 'Maybe related',
  mergeHint: 'If it is the same problem: register, then merge the new case into the existing one on its page.',
}
