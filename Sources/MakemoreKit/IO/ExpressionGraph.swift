import Foundation

/// A micrograd expression drawn as SVG, as the lecture's `draw_dot` does: each value a box
/// with its label, data and grad; each op a circle between its inputs and its result. Values
/// stand in columns by depth, inputs left of what they feed, so the graph reads left to right
/// from the leaves to the output.
public struct ExpressionGraph {
    /// Where one value and its op sit.
    struct Node {
        let value: Micrograd.Value
        /// Column (0 = leftmost) and row within the column.
        var column: Int, row: Int
    }

    package var title: String
    let nodes: [Node]
    /// Index in `nodes` of each value.
    private let index: [ObjectIdentifier: Int]

    static let boxWidth = 150, boxHeight = 54, columnGap = 70, rowGap = 22, margin = 24, titleHeight = 30
    static let opRadius = 19

    /// The graph of every value `root` depends on.
    public init(_ root: Micrograd.Value, title: String = "") {
        self.title = title
        let order = root.topologicalOrder()
        var index: [ObjectIdentifier: Int] = [:]
        for (i, value) in order.enumerated() { index[ObjectIdentifier(value)] = i }
        // Ops stand one column right of their deepest input; leaves as far right as their first
        // consumer allows, so an edge rarely skips columns.
        var column = [Int](repeating: 0, count: order.count)
        for (i, value) in order.enumerated() where !value.inputs.isEmpty {
            column[i] = value.inputs.map { column[index[ObjectIdentifier($0)]!] }.max()! + 1
        }
        var consumers = [[Int]](repeating: [], count: order.count)
        for (i, value) in order.enumerated() {
            for input in value.inputs { consumers[index[ObjectIdentifier(input)]!].append(i) }
        }
        for (i, value) in order.enumerated() where value.inputs.isEmpty && !consumers[i].isEmpty {
            column[i] = consumers[i].map { column[$0] }.min()! - 1
        }
        // Rows: topological order first, then two sweeps that sort each column by the mean row
        // of its neighbours (inputs going right, consumers coming back), to untangle edges.
        let columns = (column.max() ?? 0) + 1
        var members = [[Int]](repeating: [], count: columns)
        for i in order.indices { members[column[i]].append(i) }
        var row = [Double](repeating: 0, count: order.count)
        func place() { for list in members { for (r, i) in list.enumerated() { row[i] = Double(r) - Double(list.count - 1) / 2 } } }
        place()
        for c in 1..<max(columns, 1) {
            members[c].sort { mean(order[$0].inputs.map { row[index[ObjectIdentifier($0)]!] }) < mean(order[$1].inputs.map { row[index[ObjectIdentifier($0)]!] }) }
            place()
        }
        for c in stride(from: columns - 2, through: 0, by: -1) {
            members[c].sort { mean(consumers[$0].map { row[$0] }) < mean(consumers[$1].map { row[$0] }) }
            place()
        }
        var nodes: [Node] = order.map { Node(value: $0, column: 0, row: 0) }
        for (c, list) in members.enumerated() {
            for (r, i) in list.enumerated() {
                nodes[i].column = c
                nodes[i].row = r + (members.map(\.count).max()! - list.count) / 2
            }
        }
        self.nodes = nodes
        self.index = index
    }

    /// Top-left corner of a value's box.
    func origin(of node: Node) -> (x: Int, y: Int) {
        let s = Self.self
        return (s.margin + node.column * (s.boxWidth + s.columnGap),
                s.margin + s.titleHeight + node.row * (s.boxHeight + s.rowGap))
    }

    /// Canvas size.
    var size: (width: Int, height: Int) {
        let s = Self.self
        let columns = (nodes.map(\.column).max() ?? 0) + 1, rows = (nodes.map(\.row).max() ?? 0) + 1
        return (2 * s.margin + columns * (s.boxWidth + s.columnGap) - s.columnGap,
                2 * s.margin + s.titleHeight + rows * (s.boxHeight + s.rowGap) - s.rowGap)
    }

    /// The SVG document.
    public func svg() -> String {
        let s = Self.self
        var svg = SVGDocument(width: size.width, height: size.height)
        svg.text(escapeXML(title), x: Double(size.width) / 2, y: Double(s.margin + 6), size: 15)
        for node in nodes where !node.value.inputs.isEmpty {
            let (x, y) = origin(of: node)
            let op = (x: Double(x - s.columnGap / 2), y: Double(y + s.boxHeight / 2))
            for input in node.value.inputs {
                let (ix, iy) = origin(of: nodes[index[ObjectIdentifier(input)]!])
                arrow(&svg, from: (Double(ix + s.boxWidth), Double(iy + s.boxHeight / 2)), to: op, stopShort: Double(s.opRadius))
            }
            arrow(&svg, from: (op.x + Double(s.opRadius), op.y), to: (Double(x), op.y), stopShort: 0)
            svg.circle(x: op.x, y: op.y, radius: Double(s.opRadius), fill: "#fff4d6", stroke: "#b08d2a")
            let symbol = node.value.operation
            svg.text(escapeXML(symbol), x: op.x, y: op.y + 4, size: symbol.count > 3 ? 10 : 13)
        }
        for node in nodes {
            let (x, y) = origin(of: node)
            let leaf = node.value.inputs.isEmpty
            svg.rect(x: x, y: y, width: s.boxWidth, height: s.boxHeight, fill: leaf ? "#e3eefa" : "#f4f4f4", stroke: "#555555")
            let label = node.value.label.isEmpty ? (leaf ? "constant" : "") : node.value.label
            let cx = Double(x + s.boxWidth / 2)
            svg.text(escapeXML(label), x: cx, y: Double(y + 15), size: 12, fill: node.value.label.isEmpty ? "#999999" : "#222222")
            svg.text("data " + Self.format(node.value.data), x: cx, y: Double(y + 32), size: 12)
            svg.text("grad " + Self.format(node.value.grad), x: cx, y: Double(y + 48), size: 12, fill: "#b03030")
        }
        return svg.rendered()
    }

    /// A line from `from` to `to`, ending `stopShort` before it, with an arrowhead.
    private func arrow(_ svg: inout SVGDocument, from: (Double, Double), to: (Double, Double), stopShort: Double) {
        let dx = to.0 - from.0, dy = to.1 - from.1
        let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
        let (ux, uy) = (dx / length, dy / length)
        let tip = (to.0 - ux * stopShort, to.1 - uy * stopShort)
        svg.line(x1: from.0, y1: from.1, x2: tip.0, y2: tip.1, stroke: "#777777", width: 1.2)
        let back = (tip.0 - ux * 8, tip.1 - uy * 8)
        svg.polygon([tip, (back.0 - uy * 4, back.1 + ux * 4), (back.0 + uy * 4, back.1 - ux * 4)], fill: "#777777")
    }

    /// micrograd's `%.4f`, with −0 shown as 0.
    static func format(_ x: Double) -> String { String(format: "%.4f", x == 0 ? 0 : x) }
}

private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

extension Micrograd.WalkThrough {
    /// The tanh neuron's expression graph: op, data and grad of every node.
    package var neuronGraph: ExpressionGraph { ExpressionGraph(neuron.output, title: "o = tanh(x1·w1 + x2·w2 + b)") }
}
