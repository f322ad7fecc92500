using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.ServiceDefaults;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

/// <summary>
/// Cast attempts are handled in batches; each must still be answered as if it had been cast alone.
/// One batch in flight at a time, so concurrent attempts (a voter's repeats among them) share batches.
/// </summary>
public sealed class BatchCastingTests
{
    [Fact]
    public async Task Concurrent_voters_sharing_batches_are_each_accepted_once_with_their_own_receipt()
    {
        using var factory = new IngestFactory();
        factory.Settings["Voting:Ingest:BatchesInFlight"] = "1";
        factory.Settings["Voting:Ingest:BatchSize"] = "32";
        using var client = factory.CreateClient();
        using var batchSizes = new MetricCollector<int>(
            factory.Services.GetRequiredService<IMeterFactory>(), ServiceDefaultsExtensions.MeterName, "voting.ingest.batch_size");
        var voters = Enumerable.Range(0, 60).Select(i => "batch-" + i + "-" + Guid.NewGuid().ToString("N")).ToArray();

        // Each voter four times at once, for two different candidates: 240 attempts.
        var attempts = voters.SelectMany(v => Enumerable.Range(0, 4).Select(i => (Voter: v, Candidate: i % 2 == 0 ? "harper" : "morgan"))).ToArray();
        var responses = await Task.WhenAll(attempts.Select(async a =>
        {
            using var response = await VoteApiTests.PostAsync(client, factory.TokenFor(a.Voter), $$"""{"candidate":"{{a.Candidate}}"}""");
            var receipt = response.StatusCode == HttpStatusCode.Accepted
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("receipt").GetString()
                : null;
            return (a.Voter, response.StatusCode, Receipt: receipt);
        }));

        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToList();
        Assert.Equal(voters.Order(), accepted.Select(r => r.Voter).Order()); // every voter exactly once
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Accepted), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));

        // On the topic: one message per voter, and each voter's receipt is the hash of that voter's ballot.
        var messages = TopicReader.ReadAll(factory.Kafka, factory.VotesTopic)
            .Select(m => JsonSerializer.Deserialize(m.Message.Value, VotingJsonContext.Default.VoteMessage)!).ToList();
        Assert.Equal(voters.Length, messages.Count);
        foreach (var (voter, _, receipt) in accepted)
        {
            var pseudonym = VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voter);
            var vote = Assert.Single(messages, m => m.Pseudonym.AsSpan().SequenceEqual(pseudonym));
            Assert.Equal(receipt, BallotHash.ToReceipt(BallotHash.Compute(vote.ToBallot())));
        }

        // The attempts really shared batches: every one was in a batch, and there were fewer batches than attempts.
        var sizes = batchSizes.GetMeasurementSnapshot().Select(m => m.Value).ToList();
        Assert.True(sizes.Sum() >= attempts.Length, $"{sizes.Sum()} attempts in batches, {attempts.Length} sent");
        Assert.True(sizes.Count < sizes.Sum(), $"{sizes.Count} batches for {sizes.Sum()} attempts");
    }
}
