using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Voting.Audit.Apis;
using Voting.Core.Audit;
using Voting.Core.Merkle;
using Voting.TestSupport;

namespace Voting.Audit.Tests;

public sealed class AnchoringTests(AuditFactory factory) : IClassFixture<AuditFactory>
{
    [Fact]
    public async Task Votes_are_anchored_on_chain_with_the_root_recomputed_independently_and_proofs_verify_against_the_chain()
    {
        using var client = await factory.StartAsync();
        var election = factory.Elections[0];
        await factory.RecordVotesAsync(election, 300);
        var first = await AnchoredAsync(client, election, 300);

        // The root on chain is the RFC 6962 root of the ballot hashes in leaf order, computed here from the rows.
        var chain = await factory.AnchorsOnChainAsync();
        var rows = (await factory.StoredBallotsAsync(election)).OrderBy(b => b.LeafIndex).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long?)i), rows.Select(r => r.LeafIndex));
        var independentRoot = IndependentMerkle.Root([.. rows.Select(r => r.BallotHash)]);
        var anchored = await chain.FindBySizeAsync(election, 300);
        Assert.NotNull(anchored);
        Assert.Equal(Convert.ToHexStringLower(independentRoot), Convert.ToHexStringLower(anchored.Value.Checkpoint.Root));
        Assert.Equal(first.Root, Convert.ToHexStringLower(independentRoot));

        // The log grows; the next anchor extends the first one.
        await factory.RecordVotesAsync(election, 200);
        await AnchoredAsync(client, election, 500);
        var later = await chain.FindBySizeAsync(election, 500);
        Assert.NotNull(later);
        Assert.Equal(1 + anchored.Value.Index, later.Value.Index);

        var consistency = await client.GetFromJsonAsync($"/api/v1/audit/elections/{election}/consistency?from=300&to=500", AuditApiJsonContext.Default.ConsistencyProofDocument);
        Assert.NotNull(consistency);
        Assert.True(MerkleProofVerifier.VerifyConsistency(
            300, 500, [.. consistency.Path.Select(Convert.FromHexString)], anchored.Value.Checkpoint.Root, later.Value.Checkpoint.Root));

        // A receipt's inclusion proof leads to the root on chain.
        var receipt = Convert.ToHexStringLower(rows[123].BallotHash);
        var proof = await client.GetFromJsonAsync($"/api/v1/audit/receipts/{receipt}/proof", AuditApiJsonContext.Default.InclusionProofDocument);
        Assert.NotNull(proof);
        Assert.Equal(123, proof.LeafIndex);
        Assert.Equal(500, proof.TreeSize);
        Assert.Equal(chain.ContractAddress, proof.Anchor.Contract);
        Assert.True(MerkleProofVerifier.VerifyInclusion(
            proof.LeafIndex, proof.TreeSize, MerkleHashing.LeafHash(rows[123].BallotHash), [.. proof.Path.Select(Convert.FromHexString)], later.Value.Checkpoint.Root));

        Assert.Equal((election, receipt, Convert.ToHexStringLower(later.Value.Checkpoint.Root)), (proof.ElectionId, proof.Receipt, proof.Root));
        Assert.Equal((factory.Chain.ChainId, later.Value.Index), (proof.Anchor.ChainId, (long)later.Value.Index));

        // The documents exactly as the API serves them verify in the verifier a voter or auditor runs.
        var earlier = await client.GetFromJsonAsync($"/api/v1/audit/receipts/{receipt}/proof?treeSize=300", AuditApiJsonContext.Default.InclusionProofDocument);
        Assert.Equal((123L, 300L), (earlier!.LeafIndex, earlier.TreeSize));
        foreach (var (command, path) in new[]
        {
            ("verify-receipt", $"/api/v1/audit/receipts/{receipt}/proof"),
            ("verify-receipt", $"/api/v1/audit/receipts/{receipt}/proof?treeSize=300"),
            ("verify-consistency", $"/api/v1/audit/elections/{election}/consistency?from=300&to=500"),
        })
        {
            var file = Path.Combine(Path.GetTempPath(), LocalStack.UniqueName("api-proof") + ".json");
            await File.WriteAllTextAsync(file, await client.GetStringAsync(new Uri(path, UriKind.Relative)));
            try
            {
                string[] yours = command == "verify-receipt" ? ["--receipt", receipt] : [];
                var (exitCode, stdout, stderr) = await VerifierProcess.RunAsync([command, "--proof", file, .. yours, "--election", election, "--rpc", factory.Chain.RpcUrl, "--chain-id", $"{factory.Chain.ChainId}", "--contract", chain.ContractAddress]);
                Assert.True(exitCode == 0 && stdout.StartsWith("VALID: ", StringComparison.Ordinal), $"{command} of {path}: exit {exitCode}; {stdout}{stderr}");
            }
            finally
            {
                File.Delete(file);
            }
        }

        var audit = await RunAuditAsync(client, election);
        Assert.True(audit.Clean, string.Join("; ", audit.Findings.Select(f => $"{f.Kind} {f.Location}: {f.Detail}")));
        Assert.Equal(500, audit.BallotRows);
        Assert.Equal(2, audit.AnchorsChecked);
    }

    [Fact]
    public async Task Proof_requests_that_cannot_be_answered_get_problem_details()
    {
        using var client = await factory.StartAsync();
        using var malformed = await client.GetAsync(new Uri("/api/v1/audit/receipts/not-a-receipt/proof", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("urn:voting:problem:malformed-receipt", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unknown = await client.GetAsync(new Uri($"/api/v1/audit/receipts/{new string('a', 64)}/proof", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("urn:voting:problem:unknown-receipt", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var election = await client.GetAsync(new Uri("/api/v1/audit/elections/no-such-election/checkpoints", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, election.StatusCode);

        using var sizes = await client.GetAsync(new Uri($"/api/v1/audit/elections/{factory.Elections[1]}/consistency?from=5&to=3", UriKind.Relative));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sizes.StatusCode);
        Assert.Equal("application/problem+json", sizes.Content.Headers.ContentType?.MediaType);

        // Tree sizes the framework can't bind: a stable type, and which one is wrong.
        var consistency = $"/api/v1/audit/elections/{factory.Elections[1]}/consistency";
        foreach (var (query, detail) in new[]
        {
            ("", "from is missing; to is missing."),
            ("?from=abc&to=5", "from 'abc' is not a whole number (or too large)."),
            ("?from=1&to=99999999999999999999", "to '99999999999999999999' is not a whole number (or too large)."),
            ("?from=1&from=2&to=5", "from is given 2 times."),
        })
        {
            await ExpectMalformedQueryAsync(client, consistency + query, detail);
        }

        await ExpectMalformedQueryAsync(client, $"/api/v1/audit/receipts/{new string('a', 64)}/proof?treeSize=ten", "treeSize 'ten' is not a whole number (or too large).");

        using var nowhere = await client.GetAsync(new Uri("/api/v1/audit/nowhere", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, nowhere.StatusCode);
        Assert.Contains("urn:voting:problem:not-found", await nowhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task ExpectMalformedQueryAsync(HttpClient client, string path, string detail)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("urn:voting:problem:malformed-query", problem.RootElement.GetProperty("type").GetString());
        Assert.StartsWith(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    internal static async Task<CheckpointView> AnchoredAsync(HttpClient client, string election, long size)
    {
        CheckpointView? found = null;
        await Eventually.Async(async () =>
        {
            var list = await client.GetFromJsonAsync($"/api/v1/audit/elections/{election}/checkpoints", AuditApiJsonContext.Default.CheckpointList);
            found = list?.Checkpoints.SingleOrDefault(c => c.TreeSize == size && c.Status == "anchored");
            return found is not null;
        }, $"a checkpoint of size {size} anchored");
        return found!;
    }

    internal static async Task<AuditReport> RunAuditAsync(HttpClient client, string election)
    {
        using var response = await client.PostAsync(new Uri($"/api/v1/audit/elections/{election}/audits", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(AuditApiJsonContext.Default.AuditReport))!;
    }
}
