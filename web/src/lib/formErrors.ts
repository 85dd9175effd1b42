// A form's server errors: messages beside the fields the server names, the rest in one banner.
import { reactive, ref } from 'vue'
import { ApiError } from '../api/errors'

export function useServerErrors(fields: readonly string[]) {
  const byField = reactive<Record<string, string>>({})
  const general = ref('')

  function clear() {
    for (const key of Object.keys(byField)) delete byField[key]
    general.value = ''
  }

  /** Spread an error over the form; a field the form does not show goes to the banner. */
  function capture(err: unknown) {
    clear()
    if (!(err instanceof ApiError)) {
      general.value = err instanceof Error ? err.message : String(err)
      return
    }
    const unplaced: string[] = []
    for (const [field, message] of Object.entries(err.fieldErrors)) {
      if (fields.includes(field)) byField[field] = message
      else unplaced.push(`${field}: ${message}`)
    }
    if (Object.keys(byField).length === 0 || unplaced.length > 0) {
      general.value = [err.message, ...unplaced].join(' ')
    }
  }

  return { byField, general, clear, capture }
}
