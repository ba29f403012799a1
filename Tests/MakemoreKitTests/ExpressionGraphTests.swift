import Foundation
import Testing
@testable import MakemoreKit

/// The expression-graph picture: every node drawn with its op, data and grad, laid out in
/// columns that follow the edges, without overlaps.
@Suite struct ExpressionGraphTests {
    typealias Value = Micrograd.Value

    /// The lecture's L = w6·(w3 + w1·w2) after backward.
    func lectureExpression() -> Value {
        let w1 = Value(2, label: "w1"), w2 = Value(-3, label: "w2"), w3 = Value(10, label: "w3"), w6 = Value(-2, label: "w6")
        let loss = w6 * (w3 + w1 * w2)
        loss.label = "L"
        loss.backward()
        return loss
    }

    @Test func everyNodeShowsItsOpDataAndGrad() {
        let loss = lectureExpression()
        let svg = ExpressionGraph(loss, title: "L = w6·(w3 + w1·w2)").svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        for (label, data, grad) in [("w1", "2.0000", "6.0000"), ("w2", "-3.0000", "-4.0000"), ("w3", "10.0000", "-2.0000"),
                                    ("w6", "-2.0000", "4.0000"), ("L", "-8.0000", "1.0000")] {
            #expect(svg.contains(">\(label)</text>"), "label \(label)")
            #expect(svg.contains(">data \(data)</text>") && svg.contains(">grad \(grad)</text>"), "\(label): data \(data), grad \(grad)")
        }
        #expect(svg.contains(">data -6.0000</text>") && svg.contains(">data 4.0000</text>"))  // w1·w2 and w3 + w1·w2
        #expect(svg.components(separatedBy: "<rect").count - 1 == 1 + 7)  // background + 7 values
        #expect(svg.components(separatedBy: "<circle").count - 1 == 3)  // *, +, *
        #expect(svg.components(separatedBy: "<polygon").count - 1 == 6 + 3)  // an arrow per input, one per op
        #expect(svg.contains(">*</text>") && svg.contains(">+</text>"))
    }

    @Test func layoutFollowsTheEdgesWithoutOverlaps() {
        let x = Value(0.5, label: "x")
        let y = ((x * 2).tanh() + x.exp() - x.raised(to: 2)).relu() / (x + 1)
        y.backward()
        let graph = ExpressionGraph(y)
        let position = Dictionary(uniqueKeysWithValues: graph.nodes.map { (ObjectIdentifier($0.value), $0) })
        for node in graph.nodes {
            for input in node.value.inputs { #expect(position[ObjectIdentifier(input)]!.column < node.column) }
        }
        let cells = graph.nodes.map { "\($0.column),\($0.row)" }
        #expect(Set(cells).count == cells.count)
        let size = graph.size
        for node in graph.nodes {
            let (x, y) = graph.origin(of: node)
            #expect(x >= 0 && y >= 0 && x + ExpressionGraph.boxWidth <= size.width && y + ExpressionGraph.boxHeight <= size.height)
        }
        #expect(graph.nodes.count == y.topologicalOrder().count)
    }
}
