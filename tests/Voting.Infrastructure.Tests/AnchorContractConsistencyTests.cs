using System.Security.Cryptography;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>
/// The anchor contract takes a checkpoint after an election's first only with a consistency proof
/// from the one before: the chain itself refuses a root that rewrites the log, whoever holds the
/// anchoring key. Its judgement of proofs is the reference verifier's (<see cref="MerkleProofVerifier"/>).
/// </summary>
public sealed class AnchorContractConsistencyTests : IAsyncLifetime
{
    private ChainClientFactory chain = null!;

    /// <summary>Each test signs from an account of its own: the other chain tests share theirs and race for its nonces.</summary>
    public async Task InitializeAsync()
    {
        var options = LocalStack.Chain();
        options.AnchorPrivateKey = FundedAccount.NewKey();
        await FundedAccount.FundAsync(options.RpcUrl, options.AnchorPrivateKey);
        chain = new ChainClientFactory(options);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_contract_judges_every_consistency_proof_of_a_tree_as_the_reference_verifier_does()
    {
        var web3 = chain.CreateSigning();
        var client = new CheckpointAnchorClient(web3, (await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None)).ContractAddress);
        var tree = TreeOf(48);
        var cases = new List<(long First, long Second, byte[] FirstRoot, byte[] SecondRoot, IReadOnlyList<byte[]> Proof, string What)>();
        for (var second = 1L; second <= tree.Size; second++)
        {
            for (var first = 1L; first <= second; first++)
            {
                var proof = tree.ConsistencyProof(first, second);
                cases.Add((first, second, tree.RootAt(first), tree.RootAt(second), proof, "genuine"));
                cases.Add((first, second, tree.RootAt(first), Flipped(tree.RootAt(second)), proof, "another second root"));
                cases.Add((first, second, Flipped(tree.RootAt(first)), tree.RootAt(second), proof, "another first root"));
                if (proof.Count > 0)
                {
                    var node = (int)((first * 7 + second) % proof.Count);
                    cases.Add((first, second, tree.RootAt(first), tree.RootAt(second), [.. proof.Select((n, i) => i == node ? Flipped(n) : n)], $"node {node} altered"));
                    cases.Add((first, second, tree.RootAt(first), tree.RootAt(second), [.. proof.SkipLast(1)], "last node left out"));
                    cases.Add((first, second, tree.RootAt(first), tree.RootAt(second), [.. proof, proof[0]], "a node too many"));
                }

                if (first < second)
                {
                    cases.Add((first, second * 2, tree.RootAt(first), tree.RootAt(second), proof, "a larger second tree claimed"));
                    cases.Add((first, (second * 2) - 1, tree.RootAt(first), tree.RootAt(second), proof, "a larger second tree claimed"));
                }

                if (second < tree.Size)
                {
                    cases.Add((first, second + 1, tree.RootAt(first), tree.RootAt(second + 1), proof, "the proof of a smaller tree"));
                }
            }
        }

        cases.Add((0, 5, new byte[32], tree.RootAt(5), [], "from the empty tree"));
        cases.Add((6, 5, tree.RootAt(6), tree.RootAt(5), tree.ConsistencyProof(5, 6), "shrinking"));

        var judged = new List<(bool Contract, bool Reference, string Case)>();
        foreach (var chunk in cases.Chunk(64))
        {
            judged.AddRange(await Task.WhenAll(chunk.Select(async c => (
                await client.IsConsistentAsync(c.First, c.Second, c.FirstRoot, c.SecondRoot, c.Proof),
                MerkleProofVerifier.VerifyConsistency(c.First, c.Second, c.Proof, c.FirstRoot, c.SecondRoot),
                $"{c.First} → {c.Second}, {c.What}"))));
        }

        Assert.Empty(judged.Where(j => j.Contract != j.Reference).Select(j => $"{j.Case}: contract {j.Contract}, reference {j.Reference}"));
        Assert.Equal(48 * 49 / 2, judged.Count(j => j.Contract && j.Case.EndsWith("genuine", StringComparison.Ordinal)));
        Assert.Equal(48 * 49 / 2, judged.Count(j => j.Contract));
    }

    [Fact]
    public async Task A_checkpoint_whose_tree_does_not_extend_the_previous_one_is_refused_on_chain()
    {
        var web3 = chain.CreateSigning();
        var client = new CheckpointAnchorClient(web3, (await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None)).ContractAddress);
        var election = LocalStack.UniqueName("election");
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var honest = TreeOf(30);
        var rewritten = TreeOf(30, rewrite: 3); // leaf 3 replaced: the first 10 leaves differ from what was anchored
        await client.AnchorAsync(election, 10, honest.RootAt(10), [], at, CancellationToken.None);

        // The rewritten log's root, with its own (valid) proof from its own size-10 root.
        await Assert.ThrowsAsync<AnchorRefusedException>(() => client.AnchorAsync(election, 20, rewritten.RootAt(20), rewritten.ConsistencyProof(10, 20), at, CancellationToken.None));
        Assert.Equal("NotAnExtension", await RevertOfAnchorAsync(client, web3, election, 20, rewritten.RootAt(20), rewritten.ConsistencyProof(10, 20)));
        // The true root, but no proof, or a proof from another size.
        await Assert.ThrowsAsync<AnchorRefusedException>(() => client.AnchorAsync(election, 20, honest.RootAt(20), [], at, CancellationToken.None));
        await Assert.ThrowsAsync<AnchorRefusedException>(() => client.AnchorAsync(election, 20, honest.RootAt(20), honest.ConsistencyProof(9, 20), at, CancellationToken.None));
        Assert.Equal(1, await client.CountAsync(election));

        // The log that grew from what the chain holds is taken, and the next one must grow from it.
        await client.AnchorAsync(election, 20, honest.RootAt(20), honest.ConsistencyProof(10, 20), at, CancellationToken.None);
        Assert.Equal("NotAnExtension", await RevertOfAnchorAsync(client, web3, election, 30, honest.RootAt(30), honest.ConsistencyProof(10, 30)));
        await client.AnchorAsync(election, 30, honest.RootAt(30), honest.ConsistencyProof(20, 30), at, CancellationToken.None);
        Assert.Equal([10UL, 20UL, 30UL], (await client.ListAsync(election)).Select(c => c.TreeSize));
        Assert.Equal(honest.RootAt(30), (await client.NewestAsync(election))!.Root);
    }

    [Fact]
    public async Task An_anchor_with_the_proof_of_a_large_log_fits_its_gas_with_room_for_a_log_of_a_trillion_ballots()
    {
        var web3 = chain.CreateSigning();
        var client = new CheckpointAnchorClient(web3, (await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None)).ContractAddress);
        var election = LocalStack.UniqueName("election");
        var tree = TreeOf((1 << 17) + (1 << 16) - 1);
        const long First = (1 << 16) + 1;
        var proof = tree.ConsistencyProof(First, tree.Size);
        await client.AnchorAsync(election, First, tree.RootAt(First), [], DateTimeOffset.UtcNow, CancellationToken.None);

        var anchored = await client.AnchorAsync(election, tree.Size, tree.RootAt(tree.Size), proof, DateTimeOffset.UtcNow, CancellationToken.None);
        var receipt = await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(anchored.TransactionHash);
        var used = (long)receipt.GasUsed.Value;

        // Each node costs its calldata (at most 16 gas a byte) and one SHA-256 call (about 500 gas with
        // its loop, allowed twice that); a log of 2^40 leaves needs at most 41 nodes. The anchor's gas limit is 250,000.
        const long PerNodeAtMost = (32 * 16) + 1_000;
        Assert.True(proof.Count >= 17, $"the proof has {proof.Count} nodes");
        Assert.True(used + ((41 - proof.Count) * PerNodeAtMost) < 250_000, $"{used} gas for {proof.Count} nodes");
    }

    [Fact]
    public async Task A_contract_running_other_code_is_told_apart_from_this_version_whoever_deployed_it()
    {
        var web3 = chain.CreateSigning();
        var current = (await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None)).ContractAddress;
        var otherOptions = LocalStack.Chain();
        otherOptions.AnchorPrivateKey = FundedAccount.NewKey();
        await FundedAccount.FundAsync(otherOptions.RpcUrl, otherOptions.AnchorPrivateKey);
        var otherOwner = new ChainClientFactory(otherOptions).CreateSigning();
        var ofAnotherOwner = (await CheckpointAnchorContract.DeployAsync(otherOwner, CancellationToken.None)).ContractAddress;
        var earlier = await EarlierAnchorContract.DeployAsync(web3);

        // A look-alike: this version's code with one instruction's operand changed, at an address of its own.
        var code = await web3.Eth.GetCode.SendRequestAsync(current);
        var lookAlike = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var altered = code[..^200] + (code[^200] == '0' ? '1' : '0') + code[^199..];
        using (var http = new HttpClient())
        {
            await AnvilRpc.CallAsync(http, new Uri(chain.Options.RpcUrl), "anvil_setCode", lookAlike, altered);
        }

        Assert.True(await CheckpointAnchorContract.RunsThisCodeAsync(web3, current));
        Assert.True(await CheckpointAnchorContract.RunsThisCodeAsync(web3, ofAnotherOwner));
        Assert.False(await CheckpointAnchorContract.RunsThisCodeAsync(web3, earlier));
        Assert.False(await CheckpointAnchorContract.RunsThisCodeAsync(web3, "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))));
        Assert.False(await CheckpointAnchorContract.RunsThisCodeAsync(web3, lookAlike));
    }

    private static MerkleTree TreeOf(long leaves, long rewrite = -1)
    {
        var tree = new MerkleTree();
        for (var i = 0L; i < leaves; i++)
        {
            tree.AppendLeafData(SHA256.HashData(BitConverter.GetBytes(i == rewrite ? -i : i)));
        }

        return tree;
    }

    private static byte[] Flipped(byte[] node)
    {
        var copy = (byte[])node.Clone();
        copy[^1] ^= 1;
        return copy;
    }

    /// <summary>The custom error an anchor call reverts with, simulated (nothing mined); null when it would be taken.</summary>
    private static async Task<string?> RevertOfAnchorAsync(
        CheckpointAnchorClient client, Nethereum.Web3.IWeb3 web3, string election, long size, byte[] root, IReadOnlyList<byte[]> proof)
    {
        var contract = web3.Eth.GetContract(CheckpointAnchorContract.Abi, client.ContractAddress);
        var call = contract.GetFunction("anchor").CreateCallInput(
            web3.TransactionManager.Account!.Address, new HexBigInteger(250_000), null,
            CheckpointAnchorClient.ElectionKey(election), (ulong)size, root, 1UL, proof.ToList());
        try
        {
            await web3.Eth.Transactions.Call.SendRequestAsync(call, BlockParameter.CreateLatest());
            return null;
        }
        catch (Nethereum.JsonRpc.Client.RpcResponseException reverted)
        {
            var data = reverted.RpcError?.Data?.ToString() ?? "";
            var selector = "0x" + Nethereum.Util.Sha3Keccack.Current.CalculateHash("NotAnExtension(uint64,bytes32,uint64,bytes32)")[..8];
            return data.StartsWith(selector, StringComparison.OrdinalIgnoreCase) ? "NotAnExtension" : $"another revert ({data})";
        }
    }
}
