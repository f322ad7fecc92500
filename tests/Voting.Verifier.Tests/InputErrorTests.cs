using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Verifier.Tests;

/// <summary>Anything that prevents a check is exit code 2 with one ERROR line on stderr.</summary>
public sealed class InputErrorTests(AnchoredLog log) : IClassFixture<AnchoredLog>
{
    private string Rpc => log.Chain.RpcUrl;

    [Theory]
    [InlineData("{ \"electionId\": ")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task A_malformed_document_cannot_be_checked(string text)
    {
        var proof = log.WriteText(text);

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.StartsWith($"ERROR: {proof} is not an inclusion proof document: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_of_the_wrong_kind_cannot_be_checked()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal("ERROR: receipt is missing", line);
    }

    [Fact]
    public async Task A_missing_file_cannot_be_checked()
    {
        var missing = Path.Combine(log.Directory, "missing.json");

        var line = (await Cli.RunAsync("verify-consistency", "--proof", missing, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal($"ERROR: cannot read {missing}: no such file", line);
    }

    [Theory]
    [InlineData("receipt")]
    [InlineData("path")]
    [InlineData("root")]
    public async Task A_non_hex_hash_cannot_be_checked(string field)
    {
        var document = log.InclusionProof(3, AnchoredLog.FullSize);
        const string NotHex = "this is not a hash this is not a hash this is not a hash 0123456";
        document = field switch
        {
            "receipt" => document with { Receipt = NotHex },
            "path" => document with { Path = [.. document.Path.Take(3), NotHex, .. document.Path.Skip(4)] },
            _ => document with { Root = NotHex },
        };
        var proof = log.Write(document);

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.StartsWith($"ERROR: {(field == "path" ? "path[3]" : field)} is not hex: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hash_of_the_wrong_length_cannot_be_checked()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize) with { Receipt = "abcdef" });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal("ERROR: receipt has 3 bytes; a SHA-256 hash has 32", line);
    }

    [Fact]
    public async Task An_unreachable_node_cannot_be_asked()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", "http://127.0.0.1:1", "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.StartsWith("ERROR: cannot reach the chain node at http://127.0.0.1:1 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_answers_nothing_cannot_be_asked_and_the_proof_is_not_called_invalid()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));
        await using var proxy = RpcProxy.Start(Rpc);
        proxy.FailNext("eth_call", RpcFault.EmptyAnswer, times: 1_000);

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", proxy.RpcUrl, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.True(proxy.Faulted > 0, "the contract was asked");
        Assert.StartsWith($"ERROR: cannot reach the chain node at {proxy.RpcUrl.TrimEnd('/')} ", line, StringComparison.Ordinal);
        Assert.Contains(ChainErrors.NoAnswer, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_urls_path_and_credentials_are_never_printed()
    {
        // A provider's URL: an API key in its path, a password before its host.
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(3), "--rpc", "http://auditor:s3cret@127.0.0.1:1/v3/0123456789abcdef", "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.StartsWith("ERROR: cannot reach the chain node at http://127.0.0.1:1 ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", line, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_node_cannot_be_asked_for_consistency_either()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize));

        (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", "http://127.0.0.1:1", "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();
    }

    [Theory]
    [InlineData("verify-receipt", "--rpc", "http://127.0.0.1:8545")]
    [InlineData("verify-receipt", "--proof", "x.json")]
    [InlineData("verify-receipt", "--proof", "x.json", "--receipt", "00", "--rpc", "http://127.0.0.1:8545", "--contract", "0x0000000000000000000000000000000000000001", "--timeout", "soon")]
    [InlineData("verify-receipt", "--proof", "x.json", "--rpc", "http://127.0.0.1:8545", "--contract", "0x0000000000000000000000000000000000000001")]
    [InlineData("verify-receipt", "--proof", "x.json", "--rpc", "http://127.0.0.1:8545")]
    [InlineData("verify-consistency", "--proof", "x.json", "--rpc", "http://127.0.0.1:8545")]
    [InlineData("verify-everything")]
    public async Task Bad_arguments_cannot_be_checked(params string[] args)
    {
        var line = (await Cli.RunAsync(args)).Error();

        Assert.EndsWith("(see --help)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_published_contract_election_and_chain_nothing_is_checked()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var run = await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("ERROR: Option '--election' is required; Option '--chain-id' is required; Option '--contract' is required (see --help)", run.Error());
    }

    [Fact]
    public async Task A_chain_id_that_is_no_chain_id_is_refused_in_one_line()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", "0")).Error();

        Assert.Equal("ERROR: --chain-id must be a chain id (1 or more); got 0", line);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:8545")]
    [InlineData("127.0.0.1:8545")]
    public async Task A_non_http_node_url_cannot_be_used(string rpc)
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal($"ERROR: --rpc '{rpc}' is not an http(s) URL", line);
    }

    [Fact]
    public async Task A_malformed_contract_address_cannot_be_used()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.ReceiptIn(proof), "--rpc", Rpc, "--contract", "0x1234", "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal("ERROR: --contract '0x1234' is not a contract address (0x and 40 hex digits)", line);
    }

    [Fact]
    public async Task Help_goes_to_stdout_and_exits_0()
    {
        var run = await Cli.RunAsync("verify-receipt", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--proof <FILE> (REQUIRED)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--receipt <HEX> (REQUIRED)", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("", run.Stderr);
    }

    [Theory]
    [InlineData("abcdef", "ERROR: --receipt has 3 bytes; a SHA-256 hash has 32")]
    [InlineData("my receipt", "ERROR: --receipt is not hex: 'my receipt'")]
    public async Task A_malformed_receipt_cannot_be_checked(string receipt, string expected)
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", receipt, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal(expected, line);
    }

    [Theory]
    [InlineData(0L, 3L, "ERROR: treeSize is missing or not a size (0)")]
    [InlineData(100L, -1L, "ERROR: leafIndex is not an index (-1)")]
    public async Task A_document_without_a_size_or_with_a_negative_index_cannot_be_checked(long treeSize, long leafIndex, string expected)
    {
        // A document cut short reads its missing numbers as 0: that is no size to ask the chain about.
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize) with { TreeSize = treeSize, LeafIndex = leafIndex });

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(3), "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal(expected, line);
    }

    [Fact]
    public async Task A_consistency_document_without_a_size_cannot_be_checked()
    {
        var proof = log.Write(log.ConsistencyProof(AnchoredLog.SmallSize, AnchoredLog.FullSize) with { FromSize = 0 });

        var line = (await Cli.RunAsync("verify-consistency", "--proof", proof, "--rpc", Rpc, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal("ERROR: fromSize is missing or not a size (0)", line);
    }

    [Fact]
    public async Task A_node_refusing_the_contract_call_cannot_check_and_the_contract_is_not_called_invalid()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));
        await using var proxy = RpcProxy.Start(Rpc);
        proxy.FailNext("eth_call", RpcFault.Refused, "daily request limit exceeded", times: 1_000);

        var run = await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(3), "--rpc", proxy.RpcUrl, "--contract", log.Contract, "--election", log.ElectionId, "--chain-id", log.ChainId);

        Assert.True(proxy.Faulted > 0, "the contract was asked");
        var line = run.Error();
        Assert.StartsWith($"ERROR: the chain node at {proxy.RpcUrl.TrimEnd('/')} refused a call to the anchor contract: daily request limit exceeded", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_contract_address_with_a_trailing_line_break_is_not_an_address()
    {
        var proof = log.Write(log.InclusionProof(3, AnchoredLog.FullSize));

        var line = (await Cli.RunAsync("verify-receipt", "--proof", proof, "--receipt", log.Receipt(3), "--rpc", Rpc, "--contract", log.Contract + "\n", "--election", log.ElectionId, "--chain-id", log.ChainId)).Error();

        Assert.Equal($"ERROR: --contract '{log.Contract}\\n' is not a contract address (0x and 40 hex digits)", line);
    }
}
