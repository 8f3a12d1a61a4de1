import Testing

@testable import CofferReplication

struct TransportBackoffTests {
    /// Always returns the same word: all ones makes every draw hit its ceiling, one makes it 0.
    private struct ConstantGenerator: RandomNumberGenerator, Sendable {
        let word: UInt64
        mutating func next() -> UInt64 { word }
    }

    /// SplitMix64, for repeatable pseudo-random draws.
    private struct SeededGenerator: RandomNumberGenerator, Sendable {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    @Test func ceilingDoublesUpToTheMaximumAndResets() {
        var backoff = Backoff(initial: 100, maximum: 1_000, generator: ConstantGenerator(word: .max))
        let delays = (0..<6).map { _ in backoff.nextDelayMilliseconds() }
        #expect(delays == [100, 200, 400, 800, 1_000, 1_000])
        backoff.reset()
        #expect(backoff.nextDelayMilliseconds() == 100)
    }

    @Test func jitterCanReachZero() {
        var backoff = Backoff(initial: 100, maximum: 1_000, generator: ConstantGenerator(word: 0))
        #expect((0..<4).map { _ in backoff.nextDelayMilliseconds() } == [0, 0, 0, 0])
    }

    @Test func sameSeedGivesSameDelaysWithinTheCeilings() {
        var first = Backoff(initial: 50, maximum: 5_000, generator: SeededGenerator(state: 42))
        var second = Backoff(initial: 50, maximum: 5_000, generator: SeededGenerator(state: 42))
        var ceiling = 50
        var delays: [Int] = []
        for _ in 0..<12 {
            let delay = first.nextDelayMilliseconds()
            #expect((0...ceiling).contains(delay))
            #expect(second.nextDelayMilliseconds() == delay)
            delays.append(delay)
            ceiling = min(ceiling * 2, 5_000)
        }
        #expect(Set(delays).count > 1)
    }
}
