import Testing
import CommandLineOptions

@Suite struct SpellingTests {
    @Test func distancesCountEditsAndSwaps() {
        #expect(Spelling.distance("", "abc") == 3)
        #expect(Spelling.distance("kitten", "sitting") == 3)
        #expect(Spelling.distance("dropuot", "dropout") == 1)  // one swap of neighbours
        #expect(Spelling.distance("trasformer", "transformer") == 1)
    }

    @Test func suggestsTheOneCloseName() {
        let stages = ["bigram", "neural-bigram", "mlp", "wavenet", "bow", "rnn", "gru", "transformer", "compare"]
        #expect(Spelling.suggestion(for: "trasformer", among: stages) == "transformer")
        #expect(Spelling.suggestion(for: "biagram", among: stages) == "bigram")
        #expect(Spelling.suggestion(for: "xyz", among: stages) == nil)
        #expect(Spelling.suggestion(for: "rnm", among: stages) == "rnn")
        let flags = ["steps", "stop-at", "dropout", "seed", "temperature", "top-k"]
        #expect(Spelling.suggestion(for: "step", among: flags) == "steps")
        #expect(Spelling.suggestion(for: "dropuot", among: flags) == "dropout")
        #expect(Spelling.suggestion(for: "temp", among: flags) == "temperature")
        #expect(Spelling.suggestion(for: "banana", among: flags) == nil)
    }
}
