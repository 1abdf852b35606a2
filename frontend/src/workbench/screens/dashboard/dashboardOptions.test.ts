import { describe, expect, it } from 'vitest'
import { informativeUnits } from './useDashboard'
import { barsOption, indicatorLinesOption, levelPieOption, stackedLevelsOption } from './dashboardOptions'

const labels = { red: '红', orange: '橙', yellow: '黄', green: '绿', none: '未分层' }

describe('stackedLevelsOption', () => {
  it('stacks one series per colour present, in risk order, with the risk colours', () => {
    const option = stackedLevelsOption(
      [
        { name: '炼油厂', levels: { red: 1, orange: 0, yellow: 3, green: 0, none: 0 } },
        { name: '化工厂', levels: { red: 0, orange: 0, yellow: 1, green: 2, none: 0 } },
      ],
      labels,
    )
    expect(option.series.map((s) => s.name)).toEqual(['红', '黄', '绿'])
    expect(option.series[0]!.data).toEqual([1, 0])
    expect(option.series[0]!.itemStyle.color).toBe('#d4380d')
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['炼油厂', '化工厂'] })
  })

  it('puts the categories on the y axis when horizontal, first at the top', () => {
    const option = stackedLevelsOption([{ name: '高血压', levels: { red: 1, orange: 0, yellow: 0, green: 0, none: 0 } }], labels, true)
    expect(option.yAxis).toMatchObject({ type: 'category', inverse: true, data: ['高血压'] })
    expect(option.xAxis).toMatchObject({ type: 'value' })
  })
})

describe('levelPieOption and barsOption', () => {
  it('leave out empty slices and colour bars one by one', () => {
    const pie = levelPieOption({ red: 2, orange: 0, yellow: 1, green: 0, none: 4 }, labels)
    expect(pie.series[0]!.data.map((d) => d.name)).toEqual(['红', '黄', '未分层'])
    const bars = barsOption(['危急', '高'], [1, 2], ['#f00', '#fa0'])
    expect(bars.series[0]!.data).toEqual([
      { value: 1, itemStyle: { color: '#f00' } },
      { value: 2, itemStyle: { color: '#fa0' } },
    ])
  })
})

describe('informativeUnits', () => {
  const node = (name: string, children: never[] = []) => ({ uuid: name, name, code: name, kind: 'x', children })
  it('skips levels with a single unit', () => {
    const tree = [node('公司', [node('炼油厂', [node('车间1'), node('车间2')] as never[])] as never[])]
    expect(informativeUnits(tree).map((n) => n.name)).toEqual(['车间1', '车间2'])
    expect(informativeUnits([node('a'), node('b')]).map((n) => n.name)).toEqual(['a', 'b'])
    expect(informativeUnits([])).toEqual([])
  })
})

describe('indicatorLinesOption', () => {
  const words = { examined: '参检', abnormal: '异常' }
  const lines = [
    {
      name: '收缩压≥140 mmHg',
      points: [
        { year: 2025, examined: 0, abnormal: 0, rate: null },
        { year: 2026, examined: 8, abnormal: 2, rate: 25 },
      ],
    },
  ]

  it('draws one line per indicator with a gap for a year nobody was examined', () => {
    const option = indicatorLinesOption([2025, 2026], lines, words)
    expect(option.xAxis.data).toEqual(['2025', '2026'])
    expect(option.series).toHaveLength(1)
    expect(option.series[0]!.data).toEqual([null, 25])
    expect(option.series[0]!.connectNulls).toBe(false)
  })

  it('shows the counts behind each share in the tooltip', () => {
    const option = indicatorLinesOption([2025, 2026], lines, words)
    const text = option.tooltip.formatter([{ seriesName: '收缩压≥140 mmHg', dataIndex: 1, marker: '' }])
    expect(text).toBe('2026<br/>收缩压≥140 mmHg: 25% (异常 2 / 参检 8)')
    const gap = option.tooltip.formatter([{ seriesName: '收缩压≥140 mmHg', dataIndex: 0, marker: '' }])
    expect(gap).toBe('2025<br/>收缩压≥140 mmHg: —')
  })
})
