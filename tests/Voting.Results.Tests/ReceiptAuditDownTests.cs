using System.Net;
using System.Text.Json;
using Voting.Infrastructure.Storage;

namespace Voting.Results.Tests;

public sealed class ReceiptAuditDownTests(ResultsFactory factory) : IClassFixture<ResultsFactory>
{
    [Fact]
    public async Task An_anchored_receipt_whose_proof_the_audit_service_cannot_give_is_a_503_that_names_no_internal_address()
    {
        factory.Settings["Voting:Services:Audit"] = "http://127.0.0.1:1/";
        using var client = await factory.StartAsync();
        var election = factory.Elections[3];
        var stored = (await factory.RecordVotesAsync(election, [("dana", "PA", "harper")]))[0];
        var checkpoints = new CheckpointStore(factory.Shards);
        await checkpoints.AddAsync(election, 1, new byte[32], DateTime.UtcNow, CancellationToken.None);
        await checkpoints.MarkAnchoredAsync(election, 1, "0x" + new string('a', 64), 1, DateTime.UtcNow, DateTime.UtcNow, CancellationToken.None);

        using var answer = await client.GetAsync(new Uri($"/api/v1/receipts/{Convert.ToHexStringLower(stored.BallotHash)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        var body = await answer.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("The audit service did not give the receipt's inclusion proof; try again shortly.", problem.GetProperty("detail").GetString());

        // Nowhere in the answer: not in another member of the problem, not in a header.
        var headers = string.Join("\n", answer.Headers.Concat(answer.Content.Headers).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        foreach (var internalAddress in (string[])["127.0.0.1", ":1/", "localhost"])
        {
            Assert.DoesNotContain(internalAddress, body, StringComparison.Ordinal);
            Assert.DoesNotContain(internalAddress, headers, StringComparison.Ordinal);
        }
    }
}
