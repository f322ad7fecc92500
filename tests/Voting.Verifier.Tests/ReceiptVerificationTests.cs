using System.Security.Cryptography;
using Voting.Core.Audit;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Verifier.Tests;

public sealed class ReceiptVerificationTests(AnchoredLog log) : IClassFixture<AnchoredLog>
{
    private string Rpc => log.Chain.RpcUrl;

    [Theory]
    [InlineData(0, AnchoredLog.FullSize)]
    [InlineData(37, AnchoredLog.FullSize)]
    [InlineData(99, AnchoredLog.FullSize)]
    [InlineData(39, AnchoredLog.SmallSize)]
    public async Task A_genuine_proof_is_valid_against_the_anchored_root(long leafIndex, long treeSize)
    {
        var proof = log.Write(log.InclusionProof(leafIndex, treeSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0);

        Assert.Equal(
            $"VALID: ballot {log.Receipt(leafIndex)} is leaf {leafIndex} of the {log.ElectionId} log, size {treeSize}, " +
            $"root {Convert.ToHexStringLower(log.Tree.RootAt(treeSize))} anchored on chain {log.Chain.ChainId} in contract {log.Contract}" +
            ", as of the newest block (not yet final on a public chain: see --confirmations)",
            line);
    }

    [Fact]
    public async Task A_genuine_proof_of_another_ballot_is_invalid_for_your_receipt()
    {
        // The service dropped your ballot (leaf 12's) and serves a genuine, anchored proof of leaf 13 instead.
        var proof = log.Write(log.InclusionProof(13, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal($"INVALID: the proof is for ballot {log.Receipt(13)}, not for your receipt {log.Receipt(12)}: it proves nothing about your ballot", line);
    }

    [Fact]
    public async Task Your_receipt_may_be_given_in_capitals_or_with_0x()
    {
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", "0x" + log.Receipt(12).ToUpperInvariant(), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0);

        Assert.StartsWith($"VALID: ballot {log.Receipt(12)} is leaf 12", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_contract_can_be_given_explicitly()
    {
        var proof = log.Write(log.InclusionProof(5, AnchoredLog.FullSize) with { Anchor = log.Anchor(AnchoredLog.FullSize) with { Contract = "0x" + new string('1', 40) } });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0);

        Assert.StartsWith("VALID: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_path_node_is_invalid()
    {
        var document = log.InclusionProof(12, AnchoredLog.FullSize);
        var path = document.Path.ToList();
        path[2] = Flip(path[2]);
        var proof = log.Write(document with { Path = path });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith("INVALID: the audit path does not lead to the anchored root", line, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(log.Tree.RootAt(AnchoredLog.FullSize)), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_receipt_with_this_path_is_invalid()
    {
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize) with { Receipt = log.Receipt(13) });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith("INVALID: the audit path does not lead to the anchored root", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receipt_that_was_never_cast_is_invalid()
    {
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize) with { Receipt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) });

        (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(44)]
    public async Task A_wrong_leaf_index_is_invalid(long claimedIndex)
    {
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize) with { LeafIndex = claimedIndex });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith("INVALID: the audit path ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leaf_index_outside_the_tree_is_invalid()
    {
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.SmallSize) with { LeafIndex = 40 });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith("INVALID: the audit path cannot prove leaf 40 in a tree of size 40", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tree_size_that_was_never_anchored_is_invalid()
    {
        // A perfectly good path to the real root at size 70 – but nobody anchored size 70.
        var proof = log.Write(log.InclusionProof(12, 70));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal($"INVALID: no checkpoint of size 70 for election {log.ElectionId} on chain {log.Chain.ChainId} in contract {log.Contract}", line);
    }

    [Fact]
    public async Task A_forged_root_in_the_file_with_a_path_to_it_is_invalid()
    {
        // The operator rewrote ballot 99 and hands out proofs against the root of the rewritten log.
        var forged = new MerkleTree();
        for (var i = 0; i < AnchoredLog.Leaves; i++)
        {
            forged.AppendLeafData(i == 99 ? RandomNumberGenerator.GetBytes(32) : log.BallotHashes[i]);
        }

        var forgedRoot = Convert.ToHexStringLower(forged.Root);
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize) with
        {
            Path = AnchoredLog.Hex(forged.InclusionProof(12, AnchoredLog.FullSize)),
            Root = forgedRoot,
        });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith($"INVALID: the document's root {forgedRoot} is not the root anchored for size 100", line, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(log.Tree.Root), line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_root_field_does_not_matter_when_the_path_leads_to_the_anchored_root()
    {
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize) with { Root = new string('a', 64) });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0);

        Assert.StartsWith("VALID: ", line, StringComparison.Ordinal);
        Assert.EndsWith("(the document's root field aaaaaaaaaaaaaaaa… is not that root and was ignored)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_of_another_chain_than_the_published_one_is_invalid()
    {
        var document = log.InclusionProof(12, AnchoredLog.FullSize);
        var proof = log.Write(document with { Anchor = document.Anchor with { ChainId = 1 } });

        // The authority published chain 1 (so does the proof); the node serves another chain, with a contract at the same address.
        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", "1")).Verdict(1);

        Assert.StartsWith($"INVALID: chain id mismatch: the node at {Rpc}", line, StringComparison.Ordinal);
        Assert.EndsWith($"serves chain {log.Chain.ChainId}, but the anchors of {log.ElectionId} are published on chain 1", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_naming_another_chain_is_invalid_whatever_the_node_serves()
    {
        var document = log.InclusionProof(12, AnchoredLog.FullSize);
        var proof = log.Write(document with { Anchor = document.Anchor with { ChainId = 1 } });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal($"INVALID: the proof says it is anchored on chain 1, not on chain {log.ChainId} where the anchors of {log.ElectionId} are published", line);
    }

    [Fact]
    public async Task A_proof_from_another_election_in_the_same_contract_is_invalid()
    {
        // The operator leaves your ballot out of your election's log, anchors a second log under another
        // id in the same contract that does hold it, and serves that one's proof.
        var other = log.ElectionId + "-x";
        var tree = new Voting.Core.Merkle.MerkleTree();
        tree.AppendLeafData(log.BallotHashes[12]);
        tree.AppendLeafData(log.BallotHashes[13]);
        var client = new Voting.Infrastructure.Chain.CheckpointAnchorClient(new Voting.Infrastructure.Chain.ChainClientFactory(log.Chain).CreateSigning(), log.Contract);
        var anchored = await AnchoredLog.RetryOnNonceClashAsync(() => client.AnchorAsync(other, 2, tree.RootAt(2), [], DateTimeOffset.UtcNow, CancellationToken.None));
        var proof = log.Write(new Voting.Core.Audit.InclusionProofDocument(
            other, log.Receipt(12), 0, 2, [.. tree.InclusionProof(0, 2).Select(Convert.ToHexStringLower)], Convert.ToHexStringLower(tree.RootAt(2)),
            new Voting.Core.Audit.AnchorReference(log.Chain.ChainId, log.Contract, anchored.TransactionHash, anchored.BlockNumber)));

        Assert.StartsWith("VALID: ", (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", log.Contract, "--election", other, "--chain-id", log.ChainId)).Verdict(0), StringComparison.Ordinal);
        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal($"INVALID: the proof is for election \"{other}\", not {log.ElectionId}: it proves nothing about {log.ElectionId}", line);
    }

    [Fact]
    public async Task An_election_id_that_only_looks_like_yours_is_another_election_and_shown_escaped()
    {
        var lookAlike = log.ElectionId + "\u200B"; // a zero-width space: prints as yours
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize) with { ElectionId = lookAlike });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal($"INVALID: the proof is for election \"{log.ElectionId}\\u200B\", not {log.ElectionId}: it proves nothing about {log.ElectionId}", line);

        // Given as the election to check, such an id is refused outright: no election has one.
        var refused = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", log.Contract, "--election", lookAlike, "--chain-id", log.ChainId)).Error();
        Assert.Equal($"ERROR: --election \"{log.ElectionId}\\u200B\" is not an election id (1–64 characters, each an ASCII letter, a digit or one of . _ -, not only dots)", refused);
    }

    [Fact]
    public async Task An_address_without_an_anchor_contract_is_invalid()
    {
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize));
        var nowhere = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", nowhere, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith($"INVALID: there is no contract at {nowhere}", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x60006000fd")] // PUSH1 0, PUSH1 0, REVERT
    [InlineData("0xfe")] // INVALID
    [InlineData("0x5b600056")] // JUMPDEST, PUSH1 0, JUMP: loops until out of gas
    public async Task A_contract_that_is_not_an_anchor_is_invalid(string code)
    {
        // Code that fails every call, at an address of its own.
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize));
        var reverting = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        using var http = new HttpClient();
        await AnvilRpc.CallAsync(http, new Uri(Rpc), "anvil_setCode", reverting, code);

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", reverting, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.StartsWith($"INVALID: the contract at {reverting} does not answer as a checkpoint anchor", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_contract_of_other_code_is_invalid_even_holding_the_true_root()
    {
        // The earlier version (it takes any growing root, unproved) holding this log's own root: what
        // the verifier trusts is the code's promise that roots extend each other, and this one makes none.
        var web3 = new ChainClientFactory(log.Chain).CreateSigning();
        var earlier = await AnchoredLog.RetryOnNonceClashAsync(() => EarlierAnchorContract.DeployAsync(web3));
        await AnchoredLog.RetryOnNonceClashAsync(async () =>
        {
            await EarlierAnchorContract.AnchorAsync(web3, earlier, CheckpointAnchorClient.ElectionKey(log.ElectionId), AnchoredLog.FullSize, log.Tree.RootAt(AnchoredLog.FullSize));
            return true;
        });
        var proof = log.Write(log.InclusionProof(12, AnchoredLog.FullSize) with { Anchor = log.Anchor(AnchoredLog.FullSize) with { Contract = earlier } });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", earlier, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);

        Assert.Equal(
            $"INVALID: the contract at {earlier} does not run the anchor contract's code as this verifier knows it (append-only, refusing a checkpoint that does not extend the one before), so the roots it holds prove nothing",
            line);
        Assert.StartsWith("VALID: ", (await Cli.RunAsync("verify-receipt", "--proof", log.Write(log.InclusionProof(12, AnchoredLog.FullSize)), "--receipt", log.Receipt(12), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_anchored_in_a_contract_of_the_servers_own_is_invalid_against_the_published_contract()
    {
        // Whoever serves proofs deploys a contract of their own and anchors there a one-leaf "log"
        // whose root is any receipt's leaf hash: a proof of it, naming that contract, would verify
        // against the contract it names.
        var receipt = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var web3 = new ChainClientFactory(log.Chain).CreateSigning();
        var forged = (await AnchoredLog.RetryOnNonceClashAsync(() => CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None))).ContractAddress;
        var anchored = await AnchoredLog.RetryOnNonceClashAsync(() => new CheckpointAnchorClient(web3, forged).AnchorAsync(
            log.ElectionId, 1, MerkleHashing.LeafHash(Convert.FromHexString(receipt)), [], DateTimeOffset.UtcNow, CancellationToken.None));
        var proof = log.Write(new InclusionProofDocument(
            log.ElectionId, receipt, 0, 1, [], receipt, new AnchorReference(log.Chain.ChainId, forged, anchored.TransactionHash, anchored.BlockNumber)));

        Assert.StartsWith("VALID: ", (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", forged, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(0), StringComparison.Ordinal);
        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Verdict(1);
        Assert.Equal($"INVALID: no checkpoint of size 1 for election {log.ElectionId} on chain {log.Chain.ChainId} in contract {log.Contract}", line);
    }

    private static string Flip(string hex) => (hex[0] == '0' ? "1" : "0") + hex[1..];
}
