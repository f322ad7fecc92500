using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Nethereum.Hex.HexTypes;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

public sealed class ChainTests
{
    private readonly ChainClientFactory chain = new(LocalStack.Chain(account: 1));

    [Fact]
    public async Task Node_reports_the_configured_chain_id()
    {
        var id = await chain.CreateReadOnly().Eth.ChainId.SendRequestAsync();
        Assert.Equal(new BigInteger(LocalStack.Chain().ChainId), id.Value);
    }

    [Fact]
    public async Task Deployments_from_one_account_at_the_same_moment_all_succeed()
    {
        // Each client counts the account's transactions before sending; sent at once, all but one
        // find their nonce taken, which the node refuses as "nonce too low" or, for a byte-identical
        // deployment still pending, as "transaction already imported".
        var receipts = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            CheckpointAnchorContract.DeployAsync(new ChainClientFactory(LocalStack.Chain(account: 1)).CreateSigning(), CancellationToken.None)));

        Assert.Equal(16, receipts.Select(r => r.ContractAddress).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(receipts, r => Assert.Equal(BigInteger.One, r.Status.Value));
    }

    [Fact]
    public async Task Anchor_contract_deploys_and_keeps_an_append_only_log_of_checkpoints()
    {
        var web3 = chain.CreateSigning();
        var receipt = await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None);
        var code = await web3.Eth.GetCode.SendRequestAsync(receipt.ContractAddress);
        Assert.True(code.Length > 2, "no code at the deployed address");

        var contract = web3.Eth.GetContract(CheckpointAnchorContract.Abi, receipt.ContractAddress);
        var election = SHA256.HashData(Encoding.UTF8.GetBytes(LocalStack.UniqueName("election")));
        var root = SHA256.HashData("root"u8);
        var from = web3.TransactionManager.Account.Address;
        var gas = new HexBigInteger(250_000);

        var anchored = await contract.GetFunction("anchor").SendTransactionAndWaitForReceiptAsync(
            from, gas, null, null, election, 10UL, root, 1_700_000_000UL, new List<byte[]>());
        Assert.Equal(BigInteger.One, anchored.Status.Value);
        Assert.Equal(BigInteger.One, await contract.GetFunction("count").CallAsync<BigInteger>(election));

        var stored = await contract.GetFunction("checkpointAt").CallDeserializingToObjectAsync<CheckpointDto>(election, BigInteger.Zero);
        Assert.Equal(10UL, stored.TreeSize);
        Assert.Equal(root, stored.Root);

        // Sizes only grow: the same tree size is refused. With an explicit gas limit the
        // transaction is mined and reverts (status 0) instead of throwing, so status is what counts.
        var refused = await contract.GetFunction("anchor").SendTransactionAndWaitForReceiptAsync(
            from, gas, null, null, election, 10UL, SHA256.HashData("other root"u8), 1_700_000_001UL, new List<byte[]>());
        Assert.Equal(BigInteger.Zero, refused.Status.Value);
        Assert.Equal(BigInteger.One, await contract.GetFunction("count").CallAsync<BigInteger>(election));
    }

    [Fact]
    public async Task An_anchor_mined_but_not_recorded_is_found_on_chain_with_its_transaction()
    {
        var web3 = chain.CreateSigning();
        var deployed = await CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None);
        var client = new CheckpointAnchorClient(web3, deployed.ContractAddress);
        var election = LocalStack.UniqueName("election");
        var other = LocalStack.UniqueName("election");
        var at = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var tree = new MerkleTree();
        for (var i = 0; i < 40; i++)
        {
            tree.AppendLeafData(SHA256.HashData(BitConverter.GetBytes(i)));
        }

        var first = await client.AnchorAsync(election, 11, tree.RootAt(11), [], at, CancellationToken.None);
        await client.AnchorAsync(other, 11, SHA256.HashData("other 11"u8), [], at, CancellationToken.None);
        var second = await client.AnchorAsync(election, 40, tree.RootAt(40), tree.ConsistencyProof(11, 40), at, CancellationToken.None);

        Assert.Equal(first, await client.FindAnchorTransactionAsync(election, 11, tree.RootAt(11)));
        Assert.Equal(second, await client.FindAnchorTransactionAsync(election, 40, tree.RootAt(40)));
        Assert.Null(await client.FindAnchorTransactionAsync(election, 12, tree.RootAt(12)));
        Assert.Null(await client.FindAnchorTransactionAsync(LocalStack.UniqueName("election"), 11, tree.RootAt(11)));
        var forged = await Assert.ThrowsAsync<InvalidOperationException>(() => client.FindAnchorTransactionAsync(election, 40, SHA256.HashData("forged"u8)));
        Assert.Contains("with root " + Convert.ToHexStringLower(tree.RootAt(40)), forged.Message, StringComparison.Ordinal);
        var again = await Assert.ThrowsAsync<AnchorRefusedException>(() => client.AnchorAsync(election, 40, tree.RootAt(40), tree.ConsistencyProof(11, 40), at, CancellationToken.None));
        Assert.Equal(40, again.TreeSize);
    }

    [Nethereum.ABI.FunctionEncoding.Attributes.FunctionOutput]
    public sealed class CheckpointDto : Nethereum.ABI.FunctionEncoding.Attributes.IFunctionOutputDTO
    {
        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("uint64", "treeSize", 1)]
        public ulong TreeSize { get; set; }

        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("bytes32", "root", 2)]
        public byte[] Root { get; set; } = [];

        [Nethereum.ABI.FunctionEncoding.Attributes.Parameter("uint64", "timestamp", 3)]
        public ulong Timestamp { get; set; }
    }
}
