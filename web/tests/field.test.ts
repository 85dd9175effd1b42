// The inspector's report and position helpers (src/lib/field.ts): what goes to the server, and
// how the device's answers (a fix, a refusal, nothing) are told apart.
import { describe, expect, it } from 'vitest'
import { distanceM, geoProblem, locate, reportBody, submitFieldReport, type FieldReport } from '../src/lib/field'

const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'street.jpg', { type: 'image/jpeg' })
const report = (over: Partial<FieldReport> = {}): FieldReport => ({
  categoryId: 12,
  description: '  人行道井盖缺失 ',
  address: '',
  fix: { lng: 120.36, lat: 30.26, accuracy: 8.44 },
  photos: [photo, photo],
  ...over,
})

function fakeGeo(answer: { coords?: Partial<GeolocationCoordinates>; code?: number }): Geolocation {
  return {
    getCurrentPosition(ok: PositionCallback, fail?: PositionErrorCallback | null) {
      if (answer.coords) ok({ coords: answer.coords as GeolocationCoordinates, timestamp: 0 } as GeolocationPosition)
      else fail?.({ code: answer.code ?? 2, message: 'x' } as GeolocationPositionError)
    },
  } as unknown as Geolocation
}

describe('the field report', () => {
  it('measures distances like the server (35 m north is 35 m)', () => {
    const a = { lng: 120.36, lat: 30.26 }
    expect(Math.round(distanceM(a, { lng: 120.36, lat: 30.26 + 35 / 111195 }))).toBe(35)
    expect(distanceM(a, a)).toBe(0)
  })

  it('sends the device position with its accuracy, the photos, and a trimmed description', () => {
    const body = reportBody(report())
    expect(body.get('category_id')).toBe('12')
    expect(body.get('description')).toBe('人行道井盖缺失')
    expect([body.get('lng'), body.get('lat'), body.get('crs'), body.get('accuracy')]).toEqual(['120.36', '30.26', 'wgs84', '8.4'])
    expect(body.getAll('photos')).toHaveLength(2)
    expect(body.has('address')).toBe(false)
  })

  it('sends no position at all when the device gave none (the photo decides on the server)', () => {
    const body = reportBody(report({ fix: null, address: ' 金沙大道1号 ' }))
    expect(['lng', 'lat', 'crs', 'accuracy'].map((k) => body.has(k))).toEqual([false, false, false, false])
    expect(body.get('address')).toBe('金沙大道1号')
  })

  it('tells a fix, a refusal and an unavailable position apart', async () => {
    await expect(locate(fakeGeo({ coords: { longitude: 120.1, latitude: 30.2, accuracy: 12 } }))).resolves.toEqual({ lng: 120.1, lat: 30.2, accuracy: 12 })
    await expect(locate(fakeGeo({ code: 1 }))).rejects.toBe('denied')
    await expect(locate(fakeGeo({ code: 3 }))).rejects.toBe('unavailable')
    await expect(locate(undefined)).rejects.toBe('unsupported')
    expect(geoProblem(new Error('odd'))).toBe('unavailable')
  })

  it('posts the report with its idempotency key and shows the server error', async () => {
    const seen: { headers?: Record<string, string> }[] = []
    const ok = (async (_url: string, init: { headers: Record<string, string> }) => {
      seen.push(init)
      return new Response(JSON.stringify({ number: '330114-1', status: 'registered', created: true, position_source: 'device' }), { status: 201 })
    }) as unknown as typeof fetch
    const out = await submitFieldReport(report(), 'key-1', ok)
    expect(out.number).toBe('330114-1')
    expect(seen[0]!.headers!['Idempotency-Key']).toBe('key-1')
    const refused = (async () =>
      new Response(JSON.stringify({ error: { code: 'position_required', message: '缺少位置', details: { field: 'lng' } } }), { status: 422 })) as unknown as typeof fetch
    await expect(submitFieldReport(report({ fix: null }), 'key-2', refused)).rejects.toMatchObject({ code: 'position_required', status: 422 })
  })
})
