using System.Text;
using Bunit;
using Voting.Console.Blazor.Components.Audit;
using Voting.Console.Blazor.Proofs;
using Voting.Core.Audit;
using Voting.Core.Merkle;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class ProofPathTests : ComponentTest
{
    [Fact]
    public void The_path_is_drawn_level_by_level_with_each_sibling_on_its_side_up_to_the_root()
    {
        var tree = new MerkleTree();
        for (var i = 0; i < 13; i++)
        {
            tree.AppendLeafData(Encoding.UTF8.GetBytes($"ballot {i}"));
        }

        var receipt = Encoding.UTF8.GetBytes("ballot 5");
        var proof = tree.InclusionProof(5, 13);
        var steps = MerkleInclusionPath.Walk(5, 13, tree.LeafHashAt(5), proof);
        var root = Convert.ToHexStringLower(tree.RootAt(13));
        var document = new InclusionProofDocument("e1", Convert.ToHexStringLower(receipt), 5, 13, [.. proof.Select(Convert.ToHexStringLower)], root, new AnchorReference(31337, "0x00", "0x01", 7));
        var check = new ReceiptCheck(ProofVerdict.Valid, "ok", document, tree.LeafHashAt(5), steps, root);

        var rendered = Context.Render<ProofPath>(p => p.Add(c => c.Check, check));

        var levels = rendered.FindAll(".proof-level");
        Assert.Equal(proof.Count, levels.Count);
        // Leaf 5 = 0b0101 in the first eight of 13 leaves: right child, left, right, then left of leaves 8..12.
        Assert.Equal(["left", "right", "left", "right"], levels.Select(l => l.GetAttribute("data-sibling-side")));
        Assert.Contains(Convert.ToHexStringLower(proof[0]), levels[0].TextContent, StringComparison.Ordinal);
        Assert.Equal(root, rendered.Find("[data-testid=computed-root]").TextContent);
        Assert.Equal(root, rendered.Find("[data-testid=chain-root]").TextContent);
        Assert.Equal(Convert.ToHexStringLower(tree.LeafHashAt(5)), rendered.Find("[data-testid=leaf-hash]").TextContent);
    }
}
