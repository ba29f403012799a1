import Testing
@testable import MakemoreKit

@Suite struct SampleTaggerTests {
    let split = DatasetSplit(train: ["ann", "bob"], val: ["cy", "ann"], test: ["dee"])

    @Test func tagsByTheFirstPartHoldingTheWord() {
        let tagger = SampleTagger(split: split)
        #expect(["ann", "bob", "cy", "dee", "eve", ""].map(tagger.tag) == [.seen(.train), .seen(.train), .seen(.val), .seen(.test), .new, .new])
        #expect(["ann", "cy", "dee", "eve"].map { tagger.tag($0).description } == ["in train", "in val", "in test", "new"])
    }

    @Test func checksOnlyTheNamedParts() {
        let tagger = SampleTagger(split: split, checking: [.train])
        #expect(["ann", "cy", "dee"].map(tagger.tag) == [.seen(.train), .new, .new])
        #expect(SampleTagger(split: split, checking: [.test, .val]).tag("ann") == .seen(.val))
    }
}
