// A phone-width screen: tables drop their secondary columns, dialogs take the whole width.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

export const NARROW_PX = 700

export function useNarrow(): Ref<boolean> {
  const narrow = ref(typeof window !== 'undefined' && window.innerWidth < NARROW_PX)
  const onResize = () => (narrow.value = window.innerWidth < NARROW_PX)
  onMounted(() => window.addEventListener('resize', onResize))
  onBeforeUnmount(() => window.removeEventListener('resize', onResize))
  return narrow
}
