// Issue 12: the classifier's suggestion at intake (docs/decisions/081).
export default {

  title: '智能分类建议',
  none: '暂无建议：输入更多内容，或尚未启用分类模型',
  use: '采用',
  filled: '已按建议填入分类“{name}”（置信度 {p}），可修改',
  low: '置信度低于 {p}，请受理员选择分类',
  department: '建议主办部门：{name}（{p}）',
  version: '模型 v{v}',
  loadFailed: '分类建议加载失败：{message}',
  duplicates: '疑似重复的案件',
  likely: '很可能重复',
  maybe: '可能相关',
  mergeHint: '如确为同一问题：登记后在新案件页执行“合并”，并入已有案件办理。',
}
