namespace Voting.Core.Merkle;

/// <summary>
/// One level of an inclusion proof walked from the leaf up: the sibling hash from the proof, on
/// which side it sits, and the hash of the parent the two make (the next level's running hash).
/// </summary>
/// <param name="Level">Zero for the leaf's sibling, counting up towards the root.</param>
/// <param name="Running">The hash on the path at this level, before the sibling is folded in.</param>
/// <param name="Sibling">The proof node at this level.</param>
/// <param name="SiblingOnLeft">Whether the sibling is the left child (the path is the right child).</param>
/// <param name="Parent">NodeHash of the two children in their order: the path's hash one level up.</param>
public sealed record InclusionStep(int Level, byte[] Running, byte[] Sibling, bool SiblingOnLeft, byte[] Parent);
