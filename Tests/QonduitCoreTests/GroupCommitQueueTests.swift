import QonduitCore
import Synchronization
import Testing

@Suite struct GroupCommitQueueTests {
    struct Odd: Error {}

    /// While the first batch is held, 50 more items arrive: they make up one batch, and each caller
    /// gets its own answer, a failure included.
    @Test func itemsThatArriveTogetherShareABatchAndGetTheirOwnAnswers() async throws {
        let queue = GroupCommitQueue<Int, Int>()
        let batches = Mutex<[[Int]]>([])
        let (gate, opened) = AsyncStream.makeStream(of: Void.self)
        let handler: GroupCommitQueue<Int, Int>.Handler = { items in
            let first = batches.withLock { batches in
                batches.append(items)
                return batches.count == 1
            }
            if first { for await _ in gate { break } }
            return items.map { $0 % 7 == 3 ? .failure(Odd()) : .success($0 * 10) }
        }
        async let held = queue.submit(0, handler: handler)
        // Polled with sleeps, not Task.yield(): a yielding loop can keep a thread of the (two-thread) pool
        // from the tasks it waits for, stalling every test that runs alongside.
        while batches.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
        let answers = await withTaskGroup(of: (Int, Int?).self) { group in
            for item in 1...50 { group.addTask { (item, try? await queue.submit(item, handler: handler)) } }
            // Everyone is queued behind the held batch before it is let go.
            while queue.waiting < 50 { try? await Task.sleep(for: .milliseconds(1)) }
            opened.yield()
            return await group.reduce(into: [Int: Int?]()) { $0[$1.0] = $1.1 }
        }
        #expect(try await held == 0)
        #expect(batches.withLock { $0.count } == 2 && batches.withLock { $0[1].count } == 50)
        for item in 1...50 { #expect(answers[item] == (item % 7 == 3 ? nil : item * 10)) }
    }

    @Test func aHandlerThatAnswersTooFewLeavesNoCallerWaiting() async {
        let queue = GroupCommitQueue<Int, Int>()
        await #expect(throws: GroupCommitQueueError.self) { try await queue.submit(1) { _ in [] } }
    }
}
