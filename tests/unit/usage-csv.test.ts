import type { UsageEntry } from '../../src/lib/usage/entries'
import { describe, expect, it } from 'vitest'
import { csvCell, toCsv, usageCsv } from '../../src/lib/usage/csv'

describe('the CSV export of usage', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a, b')).toBe('"a, b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell(null)).toBe('')
    expect(csvCell(42)).toBe('42')
    expect(toCsv([['a', 'b'], [1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n')
  })

  it('keeps spreadsheet formulas from running: text starting with = + - @ gets a leading quote', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe('"\'=HYPERLINK(""http://evil.example"",""click"")"')
    expect(csvCell('+1')).toBe('\'+1')
    expect(csvCell('-2+3')).toBe('\'-2+3')
    expect(csvCell('@SUM(A1)')).toBe('\'@SUM(A1)')
    expect(csvCell('\t=1')).toBe('\'\t=1')
    expect(csvCell('a=b')).toBe('a=b')
  })

  it('writes one row per answer, oldest first, with exact dollars and the estimate flag', () => {
    const at = new Date(2025, 2, 10, 9, 30).getTime()
    const entries: UsageEntry[] = [
      { conversationId: 'c2', conversationTitle: '=cmd|\' /C calc\'!A0', messageId: 'm2', model: 'gpt-4.1', at: at + 1000, inputTokens: 10, outputTokens: 5, costMicros: null, estimated: true },
      { conversationId: 'c1', conversationTitle: '서울, 날씨', messageId: 'm1', model: 'deepseek-v3.2', at, inputTokens: 500, outputTokens: 300, costMicros: 336, estimated: false },
    ]
    const lines = usageCsv(entries).split('\r\n')
    expect(lines[0]).toBe('date,time_utc,conversation,model,input_tokens,output_tokens,cost_usd,estimated')
    expect(lines[1]).toBe(`2025-03-10,${new Date(at).toISOString()},"서울, 날씨",deepseek-v3.2,500,300,0.000336,false`)
    expect(lines[2]).toBe(`2025-03-10,${new Date(at + 1000).toISOString()},'=cmd|' /C calc'!A0,gpt-4.1,10,5,,true`)
    expect(lines[3]).toBe('')
  })
})
