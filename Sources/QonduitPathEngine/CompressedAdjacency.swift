/// Adjacency lists in compressed sparse row form: the neighbours of node `n` are
/// `node[start[n]..<start[n+1]]`, reached by `link`. Each link appears in both ends' lists, in
/// the order `linkOrder` gives.
struct CompressedAdjacency {
    let start: [Int32]
    let node: [Int32]
    let link: [Int32]

    init(nodeCount: Int, endA: [Int32], endB: [Int32], linkOrder: [Int]) {
        var start = [Int32](repeating: 0, count: nodeCount + 1)
        for index in endA.indices {
            start[Int(endA[index]) + 1] += 1
            start[Int(endB[index]) + 1] += 1
        }
        for index in 0..<nodeCount { start[index + 1] += start[index] }
        var cursor = Array(start.dropLast())
        var node = [Int32](repeating: 0, count: endA.count * 2)
        var link = [Int32](repeating: 0, count: endA.count * 2)
        for index in linkOrder {
            let a = Int(endA[index])
            let b = Int(endB[index])
            node[Int(cursor[a])] = Int32(b)
            link[Int(cursor[a])] = Int32(index)
            cursor[a] += 1
            node[Int(cursor[b])] = Int32(a)
            link[Int(cursor[b])] = Int32(index)
            cursor[b] += 1
        }
        self.start = start
        self.node = node
        self.link = link
    }
}
