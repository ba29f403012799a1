import Foundation

/// A minimal SVG writer for the project's plots (heatmaps, loss curves, bar charts, graphs).
package struct SVGDocument {
    private var body: [String] = []
    /// Canvas size in pixels.
    package let width: Int, height: Int

    /// An empty white canvas.
    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// A filled rectangle.
    package mutating func rect(x: Int, y: Int, width: Int, height: Int, fill: String, stroke: String? = nil) {
        let strokeAttribute = stroke.map { " stroke=\"\($0)\"" } ?? ""
        body.append("<rect x=\"\(x)\" y=\"\(y)\" width=\"\(width)\" height=\"\(height)\" fill=\"\(fill)\"\(strokeAttribute)/>")
    }

    /// Text centred on (x, y) unless `anchor` says otherwise; `text` must already be XML-escaped.
    package mutating func text(_ text: String, x: Double, y: Double, size: Int, anchor: String = "middle", fill: String = "#222222") {
        body.append("<text x=\"\(format(x))\" y=\"\(format(y))\" font-size=\"\(size)\" text-anchor=\"\(anchor)\" fill=\"\(fill)\">\(text)</text>")
    }

    /// A polyline through `points`.
    package mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5) {
        let coordinates = points.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")
        body.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(format(width))\"/>")
    }

    /// A straight line.
    package mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1) {
        body.append("<line x1=\"\(format(x1))\" y1=\"\(format(y1))\" x2=\"\(format(x2))\" y2=\"\(format(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(format(width))\"/>")
    }

    /// A circle centred on (x, y).
    package mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil) {
        let strokeAttribute = stroke.map { " stroke=\"\($0)\"" } ?? ""
        body.append("<circle cx=\"\(format(x))\" cy=\"\(format(y))\" r=\"\(format(radius))\" fill=\"\(fill)\"\(strokeAttribute)/>")
    }

    /// A filled polygon through `points` (arrowheads).
    package mutating func polygon(_ points: [(Double, Double)], fill: String) {
        let coordinates = points.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")
        body.append("<polygon points=\"\(coordinates)\" fill=\"\(fill)\"/>")
    }

    /// The complete document.
    package func rendered() -> String {
        var lines = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"Helvetica, Arial, sans-serif\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The heatmaps' shade for t in 0...1: white (0) to deep blue (1).
    static func blue(_ t: Double) -> String {
        let from = (247.0, 251.0, 255.0), to = (8.0, 48.0, 107.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        return "rgb(\(mix(from.0, to.0)),\(mix(from.1, to.1)),\(mix(from.2, to.2)))"
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Escapes `& < > "` for XML text and attributes.
package func escapeXML(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
