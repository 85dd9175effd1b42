// A flat list with parent ids (the API's depth-first order) as nested nodes for el-tree.
export type TreeNode<T> = T & { children: TreeNode<T>[] }

export function buildTree<T extends { id: number; parent_id: number | null }>(
  items: T[],
  compare?: (a: T, b: T) => number,
): TreeNode<T>[] {
  const nodes = new Map<number, TreeNode<T>>()
  for (const item of items) nodes.set(item.id, { ...item, children: [] })
  const roots: TreeNode<T>[] = []
  for (const node of nodes.values()) {
    const parent = node.parent_id === null ? undefined : nodes.get(node.parent_id)
    // A parent outside the person's data scope is absent: the node becomes a root.
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  if (compare) {
    const sortAll = (list: TreeNode<T>[]) => {
      list.sort(compare)
      for (const n of list) sortAll(n.children)
    }
    sortAll(roots)
  }
  return roots
}
