using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Voting.TestSupport;

/// <summary>
/// A chain node of a test's own: the stack's Anvil binary on a free loopback port, with the stack's
/// chain id and accounts and no saved state; killed on dispose. For tests that rewrite the chain's
/// history (<see cref="ReorganiseAsync"/>), which would break every other test sharing the stack's node.
/// </summary>
public sealed class ScratchAnvil : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient rpc;

    private ScratchAnvil(Process process, int port)
    {
        this.process = process;
        RpcUrl = $"http://127.0.0.1:{port}";
        rpc = new HttpClient { BaseAddress = new Uri(RpcUrl), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Its JSON-RPC endpoint.</summary>
    public string RpcUrl { get; }

    public static async Task<ScratchAnvil> StartAsync()
    {
        var stack = Environment.GetEnvironmentVariable("VOTING_STACK_DIR") is { Length: > 0 } dir ? dir : Path.Combine(RepositoryRoot.Path, ".stack");
        var binary = Path.Combine(stack, "npm", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil");
        Assert.True(File.Exists(binary), $"No Anvil at {binary}: run deploy/local/stack.sh up first.");
        var port = LoopbackPorts.Free();
        var process = Process.Start(new ProcessStartInfo(binary, ["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chain-id", LocalStack.Chain().ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("anvil did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var anvil = new ScratchAnvil(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await anvil.BlockNumberAsync();
                return anvil;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The newest block's number.</summary>
    public async Task<long> BlockNumberAsync() =>
        Convert.ToInt64((await CallAsync("eth_blockNumber")).GetString(), 16);

    /// <summary>Transactions <paramref name="address"/> has had mined (its next nonce).</summary>
    public async Task<long> TransactionCountAsync(string address) =>
        Convert.ToInt64((await CallAsync("eth_getTransactionCount", address, "latest")).GetString(), 16);

    /// <summary>Mines <paramref name="blocks"/> empty blocks.</summary>
    public Task MineAsync(int blocks) => CallAsync("anvil_mine", $"0x{blocks:x}");

    /// <summary>Whether each transaction is mined as it arrives (on, as started) or waits in the pool for <see cref="MineAsync"/>.</summary>
    public Task SetAutomineAsync(bool on) => CallAsync("evm_setAutomine", on);

    /// <summary>
    /// Replaces the newest <paramref name="depth"/> blocks with as many empty ones (a reorganisation:
    /// their transactions are no longer on chain).
    /// </summary>
    public Task ReorganiseAsync(int depth) => CallAsync("anvil_reorg", depth, Array.Empty<object>());

    /// <summary>Sets the base fee (wei per gas) of the next block mined: a transaction offering less waits in the pool.</summary>
    public Task SetNextBlockBaseFeeAsync(BigInteger wei) => CallAsync("anvil_setNextBlockBaseFeePerGas", "0x" + wei.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'));

    /// <summary>The transactions of <paramref name="address"/> waiting in the pool.</summary>
    public async Task<IReadOnlyList<PooledTransaction>> PoolAsync(string address)
    {
        var pending = (await CallAsync("txpool_content")).GetProperty("pending");
        var account = pending.EnumerateObject().FirstOrDefault(a => string.Equals(a.Name, address, StringComparison.OrdinalIgnoreCase));
        return account.Value.ValueKind != JsonValueKind.Object
            ? []
            : [.. account.Value.EnumerateObject().Select(t => new PooledTransaction(
                t.Value.GetProperty("hash").GetString()!, (long)Hex(t.Value.GetProperty("nonce")), Hex(t.Value.GetProperty("maxFeePerGas"))))];
    }

    /// <summary>Drops <paramref name="transaction"/> from the pool, as a node may (evicted, expired, or lost in a restart).</summary>
    public Task DropTransactionAsync(string transaction) => CallAsync("anvil_dropTransaction", transaction);

    /// <summary>The max fee per gas <paramref name="transaction"/> offers; null when the node does not hold it.</summary>
    public async Task<BigInteger?> MaxFeePerGasAsync(string transaction) =>
        await CallAsync("eth_getTransactionByHash", transaction) is { ValueKind: JsonValueKind.Object } held ? Hex(held.GetProperty("maxFeePerGas")) : null;

    private static BigInteger Hex(JsonElement value) =>
        BigInteger.Parse("0" + value.GetString()![2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private Task<JsonElement> CallAsync(string method, params object[] parameters) =>
        AnvilRpc.CallAsync(rpc, new Uri("/", UriKind.Relative), method, parameters);

    public async ValueTask DisposeAsync()
    {
        rpc.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
