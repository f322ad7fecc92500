using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Voting.Core.Ballots;
using Voting.Core.Identity;
using Voting.TestSupport;

namespace Voting.Ingest.Tests;

/// <summary>
/// The broker itself stopped while votes are being sent (UnavailableDependencyTests point ingest at
/// a closed port instead): every answer is 202 or 503; every 202's ballot is on the topic once the
/// broker is back, and a "not recorded" 503's is not; a voter told 503 sends the same ballot again
/// (same Idempotency-Key) and is accepted; one voter never has two different ballots there. It
/// stops the shared broker, so it is a fault test.
/// </summary>
[Trait("Category", StackControl.FaultCategory)]
[Collection(ServerFaultCollection.Name)]
public sealed class KafkaStoppedTests
{
    private const int Lanes = 8;

    [Fact]
    public async Task Votes_sent_as_the_broker_stops_are_202_only_when_on_the_topic_and_a_503_leaves_the_voter_free_to_send_it_again()
    {
        using var factory = new IngestFactory();
        factory.Settings["Voting:Ingest:KafkaAckTimeoutMilliseconds"] = "3000";
        var client = factory.CreateClient();
        // Connected, topic there, filter ready (a broker restarted by the test before may still be electing leaders).
        var warm = await SendUntilAnsweredAsync(client, factory, "before-the-stop", Guid.NewGuid().ToString("N"));
        Assert.Equal(HttpStatusCode.Accepted, warm.Status);

        // Voters in lanes, one after another, while the broker is stopped under them.
        var answers = new ConcurrentDictionary<string, Answer>(StringComparer.Ordinal);
        using var stopSending = new CancellationTokenSource();
        var sending = Task.WhenAll(Enumerable.Range(0, Lanes).Select(lane => Task.Run(async () =>
        {
            for (var n = 0; !stopSending.IsCancellationRequested; n++)
            {
                var voter = $"lane-{lane}-{n}";
                var key = Guid.NewGuid().ToString("N");
                answers[voter] = await SendAsync(client, factory, voter, key);
            }
        })));
        try
        {
            await WaitForAsync(() => answers.Count >= 40, "40 votes answered before the stop");
            await StackControl.StopAsync("kafka");
            await WaitForAsync(
                () => Enumerable.Range(0, Lanes).All(lane => answers.Any(a => a.Key.StartsWith($"lane-{lane}-", StringComparison.Ordinal) && a.Value.Status == HttpStatusCode.ServiceUnavailable)),
                "a 503 in every lane while the broker is down");
            await stopSending.CancelAsync();
            await sending;
        }
        finally
        {
            await StackControl.StartAsync("kafka");
        }

        // 202, or 503: "not recorded" (nothing sent) or "not confirmed" (sent, unacknowledged: it may be there).
        Assert.All(answers, a => Assert.True(
            a.Value.Status == HttpStatusCode.Accepted || a.Value.Problem is "vote-not-recorded" or "vote-not-confirmed",
            $"{a.Key}: {(int)a.Value.Status} {a.Value.Problem}"));
        var beforeRetries = BallotsOnTopic(factory);
        Assert.Contains(PseudonymOf(factory, "before-the-stop"), beforeRetries.Keys); // the topic was read, not taken for empty
        Assert.All(answers.Where(a => a.Value.Problem == "vote-not-recorded"), a => Assert.False(
            beforeRetries.ContainsKey(PseudonymOf(factory, a.Key)), $"{a.Key} was told nothing was stored, and has a ballot on the topic"));

        // Each voter told 503 sends the same ballot again (same key) once the broker is back, and is
        // accepted: nothing of the failed attempt (lock, filter bit, marker) stands in the way. No
        // processor stores this topic, so even a "not confirmed" ballot that reached it leaves the
        // voter free to send it again; its retry is the very same ballot (checked below).
        var retried = new Dictionary<string, Answer>(StringComparer.Ordinal);
        foreach (var (voter, first) in answers.Where(a => a.Value.Status == HttpStatusCode.ServiceUnavailable))
        {
            var retry = await SendUntilAnsweredAsync(client, factory, voter, first.Key);
            Assert.True(retry.Status is HttpStatusCode.Accepted, $"{voter} again: {(int)retry.Status} {retry.Problem}");
            retried[voter] = retry;
        }

        // The topic: one ballot per voter (a retry's is the same ballot), and every acceptance's is there.
        var onTopic = BallotsOnTopic(factory);
        Assert.All(onTopic, v => Assert.True(v.Value.Count == 1, $"voter {v.Key} has {v.Value.Count} different ballots on the topic"));
        foreach (var (voter, answer) in answers.Concat(retried))
        {
            var ballots = onTopic.GetValueOrDefault(PseudonymOf(factory, voter));
            if (answer.Status == HttpStatusCode.Accepted)
            {
                Assert.True(ballots?.Contains(answer.Receipt!) == true, $"{voter} was told 202 with {answer.Receipt}, which is not on the topic");
            }
        }
    }

    private static async Task<Answer> SendAsync(HttpClient client, IngestFactory factory, string voter, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/vote")
        {
            Content = new StringContent("""{"candidate":"harper"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", factory.TokenFor(voter));
        request.Headers.Add(IdempotencyKey.HeaderName, key);
        using var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return response.StatusCode == HttpStatusCode.Accepted
            ? new(key, response.StatusCode, body.GetProperty("receipt").GetString(), null)
            : new(key, response.StatusCode, null, body.GetProperty("type").GetString()!["urn:voting:problem:".Length..]);
    }

    /// <summary>Per voter pseudonym (hex), the receipts of the ballots on the votes topic (read again while the restarted broker has no leaders: TopicReader).</summary>
    private static Dictionary<string, HashSet<string>> BallotsOnTopic(IngestFactory factory) =>
        TopicReader.ReadAll(factory.Kafka, factory.VotesTopic)
            .Select(m => JsonSerializer.Deserialize(m.Message.Value, VotingJsonContext.Default.VoteMessage)!)
            .GroupBy(v => Convert.ToHexString(v.Pseudonym))
            .ToDictionary(g => g.Key, g => g.Select(v => BallotHash.ToReceipt(v.BallotHash)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    private static string PseudonymOf(IngestFactory factory, string voter) =>
        Convert.ToHexString(VoterPseudonym.Compute(IngestFactory.PseudonymSecret, factory.ElectionId, voter));

    /// <summary>Sends the ballot, again every half second while the answer is 503 (two minutes at most).</summary>
    private static async Task<Answer> SendUntilAnsweredAsync(HttpClient client, IngestFactory factory, string voter, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var answer = await SendAsync(client, factory, voter, key);
        while (answer.Status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            answer = await SendAsync(client, factory, voter, key);
        }

        return answer;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting: " + what);
            await Task.Delay(100);
        }
    }

    private sealed record Answer(string Key, HttpStatusCode Status, string? Receipt, string? Problem);
}
