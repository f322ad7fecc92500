using System.Security.Claims;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Console.Blazor.Access;
using Voting.Console.Blazor.DeadLetters;
using Voting.Core.Ballots;
using Voting.Infrastructure.Kafka;
using Voting.TestSupport;

namespace Voting.Console.Blazor.Tests.Sources;

/// <summary>Browsing and replaying the real dead-letter topic.</summary>
public sealed class DeadLetterQueueTests : IAsyncLifetime
{
    private readonly KafkaOptions kafka = LocalStack.Kafka(LocalStack.UniqueName("itc_dlq"));
    private readonly Infrastructure.Redis.RedisOptions redisOptions = LocalStack.Redis(LocalStack.UniqueName("itc") + ":");
    private ConnectionMultiplexer redis = null!;

    public async Task InitializeAsync()
    {
        redis = await ConnectionMultiplexer.ConnectAsync(redisOptions.Configuration);

        // The broker creates both topics on first mention; a produce racing that creation can be refused
        // ("Invalid topic") on a loaded box. Each is used once the broker states its partitions.
        using var positions = new KafkaPositions(kafka);
        await EndToEnd.ConsoleStack.EventuallyAsync(() => Task.FromResult(Stated(positions, kafka.VotesTopic) && Stated(positions, kafka.DeadLetterTopic)), "the broker stating both topics");
    }

    private static bool Stated(KafkaPositions positions, string topic)
    {
        try
        {
            return positions.StatedPartitions(topic).Count > 0;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        await RedisKeys.DeleteAsync(redis, redisOptions.KeyPrefix);
        await redis.DisposeAsync();
    }

    private readonly ConsoleSessions sessions = new(Options.Create(new ConsoleAccessOptions()), TimeProvider.System);

    private DeadLetterQueue Queue(KafkaPositions positions, int readMilliseconds = 10_000) =>
        new(positions, redis, redisOptions, Options.Create(new ConsoleOptions { DeadLetterReadMilliseconds = readMilliseconds }), sessions, TimeProvider.System, NullLogger<DeadLetterQueue>.Instance);

    /// <summary>A signed-in user with the given roles and a current session.</summary>
    private ClaimsPrincipal SignedIn(string name, params string[] roles) => sessions.Begin(new ClaimsPrincipal(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, name), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test")));

    [Fact]
    public async Task Letters_not_read_in_time_are_an_error_never_a_shorter_list()
    {
        using (var producer = new DeadLetterProducer(kafka))
        {
            await producer.SendAsync(new DeadLetter(kafka.VotesTopic, 0, 7, "refused", [1], [2], DateTimeOffset.UtcNow), CancellationToken.None);
        }

        using var positions = new KafkaPositions(kafka);
        Assert.Single(await Queue(positions).ListAsync(CancellationToken.None));

        // No time to read: the list is refused, not shown empty.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Queue(positions, readMilliseconds: 1).ListAsync(CancellationToken.None));
        Assert.Contains($"{kafka.DeadLetterTopic} partition(s) ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("could not be read within 0.001 s (Voting:Console:DeadLetterReadMilliseconds); nothing is shown rather than part", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Letters_are_listed_masked_and_a_replay_sends_the_original_message_back_once_asked()
    {
        var vote = TestVotes.For("e-dlq", "voter-1", "OH", "harper");
        var original = JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.VoteMessage);
        using (var producer = new DeadLetterProducer(kafka))
        {
            await producer.SendAsync(new DeadLetter(kafka.VotesTopic, 3, 41, "refused by an earlier processor release", vote.Pseudonym, original, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        using (var raw = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(kafka)).Build())
        {
            await raw.ProduceAsync(kafka.DeadLetterTopic, new Message<byte[], byte[]> { Key = [], Value = "not an envelope"u8.ToArray() });
        }

        using var positions = new KafkaPositions(kafka);
        using var queue = Queue(positions);
        var otto = SignedIn("otto", ConsoleRoles.Operator);
        var letters = await queue.ListAsync(CancellationToken.None);

        Assert.Equal(2, letters.Count);
        var letter = letters.Single(l => l.CanReplay);
        Assert.Equal((kafka.VotesTopic, 3, 41L), (letter.OriginalTopic, letter.OriginalPartition, letter.OriginalOffset));
        Assert.Equal("refused by an earlier processor release", letter.Error);
        Assert.Equal(original.Length, letter.Bytes);
        Assert.Null(letter.ReplayedAt);
        var unreadable = letters.Single(l => !l.CanReplay);
        Assert.StartsWith("unreadable dead-letter envelope", unreadable.Error, StringComparison.Ordinal);

        // An unreadable letter can't be replayed, and asking for it with another sends nothing at all.
        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.ReplayAsync([letter, unreadable], otto, CancellationToken.None));
        Assert.Empty(TopicReader.ReadAll(kafka, kafka.VotesTopic));

        // Nor one that is no longer the letter listed (its message changed), nor one from another topic.
        var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.ReplayAsync([letter with { Fingerprint = "000000000000" }], otto, CancellationToken.None));
        Assert.Equal($"Dead letter {letter.Id} now holds another message than the one listed (was {kafka.DeadLetterTopic} recreated?); list the letters again. Nothing was replayed.", changed.Message);
        using (var producer = new DeadLetterProducer(kafka))
        {
            await producer.SendAsync(new DeadLetter("another.topic", 0, 9, "refused", vote.Pseudonym, original, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        var foreign = (await queue.ListAsync(CancellationToken.None)).Single(l => l.OriginalTopic == "another.topic");
        var elsewhere = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.ReplayAsync([foreign], otto, CancellationToken.None));
        Assert.Equal($"Dead letter {foreign.Id} came from another.topic, not from the votes topic {kafka.VotesTopic}; nothing was replayed.", elsewhere.Message);
        Assert.Empty(TopicReader.ReadAll(kafka, kafka.VotesTopic));

        // Only by an operator whose session is still current (signed out in another tab: nothing).
        var official = SignedIn("olga", ConsoleRoles.Official);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => queue.ReplayAsync([letter], official, CancellationToken.None));
        var signedOut = SignedIn("otto", ConsoleRoles.Operator);
        sessions.End(signedOut);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => queue.ReplayAsync([letter], signedOut, CancellationToken.None));
        Assert.Empty(TopicReader.ReadAll(kafka, kafka.VotesTopic));

        Assert.Equal(1, await queue.ReplayAsync([letter], otto, CancellationToken.None));

        var replayed = Assert.Single(TopicReader.ReadAll(kafka, kafka.VotesTopic));
        Assert.Equal(original, replayed.Message.Value);
        Assert.Equal(vote.Pseudonym, replayed.Message.Key);
        var after = await queue.ListAsync(CancellationToken.None);
        Assert.NotNull(after.Single(l => l.Id == letter.Id).ReplayedAt);
        Assert.Null(after.Single(l => l.Id == unreadable.Id).ReplayedAt);
        Assert.Null(after.Single(l => l.Id == foreign.Id).ReplayedAt);
    }

    [Fact]
    public async Task Replay_all_sends_each_message_once_and_not_one_that_came_back_after_a_replay()
    {
        var otto = SignedIn("otto", ConsoleRoles.Operator);
        var vote = TestVotes.For("e-dlq", "voter-2", "PA", "morgan");
        var original = JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.VoteMessage);
        var other = TestVotes.For("e-dlq", "voter-3", "PA", "harper");
        var otherOriginal = JsonSerializer.SerializeToUtf8Bytes(other, VotingJsonContext.Default.VoteMessage);
        using var letters = new DeadLetterProducer(kafka);
        async Task DeadLetterAsync(VoteMessage message, byte[] bytes, string error) =>
            await letters.SendAsync(new DeadLetter(kafka.VotesTopic, 0, 7, error, message.Pseudonym, bytes, DateTimeOffset.UtcNow), CancellationToken.None);

        // The same message dead-lettered twice (a producer retry upstream), and another one.
        await DeadLetterAsync(vote, original, "refused by an earlier processor release");
        await DeadLetterAsync(vote, original, "refused by an earlier processor release");
        await DeadLetterAsync(other, otherOriginal, "refused by an earlier processor release");
        using var positions = new KafkaPositions(kafka);
        using var queue = Queue(positions);

        var all = DeadLetterView.ToReplayAll(await queue.ListAsync(CancellationToken.None));
        Assert.Equal(2, all.Count);
        Assert.Equal(2, await queue.ReplayAsync(all, otto, CancellationToken.None, onlyIfNotReplayed: true));
        Assert.Equal(2, TopicReader.ReadAll(kafka, kafka.VotesTopic).Count);

        // A second tab (or operator) that listed the letters before that replay, and replays all too: nothing again.
        Assert.Equal(0, await queue.ReplayAsync(all, otto, CancellationToken.None, onlyIfNotReplayed: true));
        Assert.Equal(2, TopicReader.ReadAll(kafka, kafka.VotesTopic).Count);

        // The processor still refuses the first: it comes back as a new letter. Replay all must not
        // send it again (each round would double it), while the letter list still shows it.
        await DeadLetterAsync(vote, original, "still refused");
        var listed = await queue.ListAsync(CancellationToken.None);
        Assert.Equal(4, listed.Count);
        Assert.Empty(DeadLetterView.ToReplayAll(listed));
    }

    [Fact]
    public async Task A_claim_left_by_a_console_that_stopped_before_sending_is_not_a_replay_and_is_taken_over_once_stale()
    {
        var otto = SignedIn("otto", ConsoleRoles.Operator);
        var vote = TestVotes.For("e-dlq", "voter-4", "PA", "lee");
        var original = JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.VoteMessage);
        using (var letters = new DeadLetterProducer(kafka))
        {
            await letters.SendAsync(new DeadLetter(kafka.VotesTopic, 0, 9, "refused by an earlier processor release", vote.Pseudonym, original, DateTimeOffset.UtcNow), CancellationToken.None);
        }

        using var positions = new KafkaPositions(kafka);
        using var queue = Queue(positions);
        var letter = Assert.Single(await queue.ListAsync(CancellationToken.None));
        var marks = (RedisKey)(redisOptions.KeyPrefix + "console:dlq-replayed:" + kafka.DeadLetterTopic);

        // Another console claimed it a moment ago and is sending it: not shown as replayed, and not sent twice.
        await redis.GetDatabase().HashSetAsync(marks, letter.Id, "claiming:" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Null(Assert.Single(await queue.ListAsync(CancellationToken.None)).ReplayedAt);
        Assert.Equal(0, await queue.ReplayAsync([letter], otto, CancellationToken.None, onlyIfNotReplayed: true));
        Assert.Empty(TopicReader.ReadAll(kafka, kafka.VotesTopic));

        // That console stopped before sending: after a minute its claim is taken over, the letter sent and marked.
        await redis.GetDatabase().HashSetAsync(marks, letter.Id, "claiming:" + DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds());
        Assert.Equal(1, await queue.ReplayAsync([letter], otto, CancellationToken.None, onlyIfNotReplayed: true));
        Assert.Single(TopicReader.ReadAll(kafka, kafka.VotesTopic));
        Assert.NotNull(Assert.Single(await queue.ListAsync(CancellationToken.None)).ReplayedAt);
    }
}
