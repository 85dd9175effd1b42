import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createMemoryHistory, createRouter } from 'vue-router'
import LoginView from '../src/views/LoginView.vue'
import { i18n } from '../src/i18n'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

async function mountLogin(respond: () => Response) {
  vi.stubGlobal('fetch', vi.fn(async () => respond()))
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/console/login', component: LoginView },
      { path: '/console/:rest(.*)*', component: { template: '<div>in</div>' } },
    ],
  })
  await router.push('/console/login')
  const wrapper = mount(LoginView, { global: { plugins: [ElementPlus, i18n, router], stubs: { transition: false, 'transition-group': false } }, attachTo: document.body })
  return { wrapper, router }
}

describe('log-in form', () => {
  it('shows the server message beside the field the server names', async () => {
    const body = {
      error: {
        code: 'invalid_input',
        message: 'Some fields are not valid.',
        details: { fields: [{ field: 'password', type: 'string_too_short', message: '至少需要 1 个字符' }] },
      },
    }
    const { wrapper } = await mountLogin(() => jsonResponse(422, body))
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    // Element Plus shows a field error after a 100 ms debounce.
    await new Promise((r) => setTimeout(r, 150))
    const items = wrapper.findAll('.el-form-item')
    expect(items[1]!.find('.el-form-item__error').text()).toBe('至少需要 1 个字符')
    expect(items[0]!.find('.el-form-item__error').exists()).toBe(false)
    expect(wrapper.find('[data-test="form-error"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('shows a message about no field in a banner', async () => {
    const body = { error: { code: 'invalid_credentials', message: '用户名或密码错误。', details: {} } }
    const { wrapper } = await mountLogin(() => jsonResponse(401, body))
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-test="form-error"]').text()).toContain('用户名或密码错误。')
    wrapper.unmount()
  })

  it('opens the role home after logging in', async () => {
    const me = {
      id: 2, username: 'operator', full_name: '王晓燕', jurisdiction_code: '330114', jurisdiction_name: '钱塘区',
      department_id: 1, department_name: '城市运行管理中心', roles: ['intake_operator'],
      permissions: { 'geo.view': 'jurisdiction' }, csrf_token: 't',
    }
    const { wrapper, router } = await mountLogin(() => jsonResponse(200, me))
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/console/intake')
    wrapper.unmount()
  })
})
