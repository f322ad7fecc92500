using System.Security.Cryptography;
using System.Text.Json;
using Nethereum.JsonRpc.Client;
using Voting.Core.Audit;
using Voting.Core.Merkle;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Verifier.Tests;

/// <summary>
/// One election's ballot log of 100 random ballot hashes, with its roots at sizes 40 and 100
/// anchored in a freshly deployed contract on the local Anvil, and a temp folder for proof files.
/// </summary>
public sealed class AnchoredLog : IAsyncLifetime
{
    public const int Leaves = 100;
    public const long SmallSize = 40;
    public const long FullSize = 100;

    private readonly Dictionary<long, AnchorTransaction> anchors = [];
    private int fileNumber;

    public ChainOptions Chain { get; } = LocalStack.Chain(account: 2);

    public string ElectionId { get; } = LocalStack.UniqueName("verifier");

    public MerkleTree Tree { get; } = new();

    public List<byte[]> BallotHashes { get; } = [.. Enumerable.Range(0, Leaves).Select(_ => RandomNumberGenerator.GetBytes(32))];

    public string Contract { get; private set; } = "";

    /// <summary>The chain id as the command line takes it.</summary>
    public string ChainId => Chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), LocalStack.UniqueName("verifier-proofs"));

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var hash in BallotHashes)
        {
            Tree.AppendLeafData(hash);
        }

        var web3 = new ChainClientFactory(Chain).CreateSigning();
        Contract = (await RetryOnNonceClashAsync(() => CheckpointAnchorContract.DeployAsync(web3, CancellationToken.None))).ContractAddress;
        var client = new CheckpointAnchorClient(web3, Contract);
        foreach (var size in (long[])[SmallSize, FullSize])
        {
            anchors[size] = await RetryOnNonceClashAsync(() => client.AnchorAsync(ElectionId, size, Tree.RootAt(size), Tree.ConsistencyProof(size == SmallSize ? 0 : SmallSize, size), DateTimeOffset.UtcNow, CancellationToken.None));
        }
    }

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    public string Receipt(long leafIndex) => Convert.ToHexStringLower(BallotHashes[(int)leafIndex]);

    /// <summary>The proof the audit API would serve for leaf <paramref name="leafIndex"/> at an anchored size.</summary>
    public InclusionProofDocument InclusionProof(long leafIndex, long treeSize) => new(
        ElectionId, Receipt(leafIndex), leafIndex, treeSize, Hex(Tree.InclusionProof(leafIndex, treeSize)), Convert.ToHexStringLower(Tree.RootAt(treeSize)),
        Anchor(treeSize));

    /// <summary>The consistency proof the audit API would serve.</summary>
    public ConsistencyProofDocument ConsistencyProof(long fromSize, long toSize) => new(
        ElectionId, fromSize, toSize, Convert.ToHexStringLower(Tree.RootAt(fromSize)), Convert.ToHexStringLower(Tree.RootAt(toSize)),
        Hex(Tree.ConsistencyProof(fromSize, toSize)), Chain.ChainId, Contract);

    public AnchorReference Anchor(long treeSize) =>
        anchors.TryGetValue(treeSize, out var anchored)
            ? new AnchorReference(Chain.ChainId, Contract, anchored.TransactionHash, anchored.BlockNumber)
            : new AnchorReference(Chain.ChainId, Contract, "0x" + new string('0', 64), 0);

    public string Write(InclusionProofDocument document) => WriteText(JsonSerializer.Serialize(document, AuditJsonContext.Default.InclusionProofDocument));

    public string Write(ConsistencyProofDocument document) => WriteText(JsonSerializer.Serialize(document, AuditJsonContext.Default.ConsistencyProofDocument));

    public string WriteText(string text)
    {
        var path = Path.Combine(Directory, $"proof-{Interlocked.Increment(ref fileNumber)}.json");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// The receipt the proof document at <paramref name="proofPath"/> names, as the voter it was served to
    /// would give it (<c>--receipt</c>); leaf 0's where the document names none (it is malformed anyway).
    /// </summary>
    public string ReceiptIn(string proofPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(proofPath));
            return document.RootElement.TryGetProperty("receipt", out var receipt) && receipt.GetString() is { Length: > 0 } text ? text : Receipt(0);
        }
        catch (JsonException)
        {
            return Receipt(0);
        }
    }

    public static List<string> Hex(IEnumerable<byte[]> nodes) => [.. nodes.Select(Convert.ToHexStringLower)];

    /// <summary>
    /// Other test runs may send from the same Anvil account at the same moment; a transaction that
    /// lost the nonce race was rejected (never mined), so sending it again is safe.
    /// </summary>
    public static async Task<T> RetryOnNonceClashAsync<T>(Func<Task<T>> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await send();
            }
            catch (Exception e) when (attempt < 5 && LostNonceRace(e))
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    private static bool LostNonceRace(Exception e) =>
        (e is RpcResponseException && (e.Message.Contains("nonce", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("underpriced", StringComparison.OrdinalIgnoreCase)
            || e.Message.Contains("already imported", StringComparison.OrdinalIgnoreCase)))
        || (e.InnerException is { } inner && LostNonceRace(inner));
}
