import CommandLineOptions
import MakemoreKit
import Testing
@testable import makemore

/// Where the generic command line meets the library: a library `Limit` checks an option's
/// number and throws the library's error, which the executable's report names by the flag.
@Suite struct CommandLineBridgeTests {
    @Test func aLibraryLimitChecksTheNumbersOfItsOwnType() throws {
        let steps = Limit("max_steps", 1...10), rate = Limit("learning_rate", 0.0...1.0), decay = Limit<Float>("ema_decay", 0...0.5)
        #expect(try steps.check(whole: 10) == 10 && steps.check(real: 20.5) == 20.5)
        #expect(throws: MakemoreError.invalidValue(name: "max_steps", rule: "in 1...10", value: "11")) { try steps.check(whole: 11) }
        #expect(try rate.check(real: 0.25) == 0.25 && rate.check(whole: 7) == 7)
        #expect(throws: MakemoreError.invalidValue(name: "learning_rate", rule: "in 0.0...1.0", value: "1.5")) { try rate.check(real: 1.5) }
        // A Float value is read as the Float it becomes.
        #expect(try decay.check(real: 0.1) == Double(Float(0.1)))
        #expect(throws: MakemoreError.invalidValue(name: "ema_decay", rule: "in 0.0...0.5", value: "0.6")) { try decay.check(real: 0.6) }
    }

    @Test func theReportNamesTheFlagThatSetsTheValue() throws {
        let option = Option("lr", value: "RATE", limit: Limit("learning_rate", 0.0...1.0), "learning rate")
        let command = CommandEntry(name: "train", summary: "train", options: [option]) { _ in {} }
        let error = try #require(throws: MakemoreError.self) { try ParsedArguments(arguments: ["--lr", "2"], options: [option]).double("lr") }
        let report = tool.report(error, of: command)
        #expect(report.line == "makemore train: option '--lr' must be in 0.0...1.0, got 2.0 (see 'makemore train --help')" && report.status == 64)
        let runtime = tool.report(MakemoreError.notANumber("the loss"), of: command)
        #expect(runtime.status == 1 && runtime.line.hasPrefix("makemore train: error: "))
    }
}
