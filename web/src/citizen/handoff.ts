// What the report page hands to the follow page after a submission (kept in memory, never in the
// address: the phone's digits do not belong in a URL that may be shared).
export const handoff: { number: string; last4: string } = { number: '', last4: '' }
