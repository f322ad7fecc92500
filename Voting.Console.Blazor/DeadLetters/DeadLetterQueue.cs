using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Voting.Console.Blazor.Access;
using Voting.Infrastructure.Kafka;
using Voting.Infrastructure.Redis;

namespace Voting.Console.Blazor.DeadLetters;

/// <summary>
/// Browses the dead-letter topic and replays letters to the votes topic. Replaying is safe to
/// repeat: the processor stores a ballot once however often it arrives. Each replay is remembered
/// (position and time only) so the screen can show what was replayed.
/// </summary>
public sealed partial class DeadLetterQueue(
    KafkaPositions positions, IConnectionMultiplexer redis, RedisOptions redisOptions, IOptions<ConsoleOptions> options, ConsoleSessions sessions,
    TimeProvider clock, ILogger<DeadLetterQueue> logger) : IDisposable
{
    private readonly Lazy<IProducer<byte[], byte[]>> producer = new(() =>
        new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(positions.Options)).SetLogHandler(KafkaClientLog.Write).Build());

    private KafkaOptions Kafka => positions.Options;

    private RedisKey ReplayedKey => redisOptions.KeyPrefix + "console:dlq-replayed:" + Kafka.DeadLetterTopic;

    /// <summary>A replay-all's mark on a letter while it is being sent: "claiming:" and the Unix time in ms; the time of the replay once acknowledged.</summary>
    private const string ClaimPrefix = "claiming:";

    /// <summary>How old a claim may be before another replay-all takes it over (its console stopped before sending).</summary>
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(1);

    // Claims the letter's mark unless it holds a replay's time, or a claim younger than the lifetime.
    private static readonly LuaScript Claim = LuaScript.Prepare("""
        local mark = redis.call('HGET', @key, @letter)
        if mark and (string.sub(mark, 1, 9) ~= 'claiming:' or tonumber(string.sub(mark, 10)) > tonumber(@staleBefore)) then
            return 0
        end
        redis.call('HSET', @key, @letter, @claim)
        return 1
        """);

    /// <summary>The newest letters (at most the configured page size), newest first.</summary>
    public async Task<IReadOnlyList<DeadLetterView>> ListAsync(CancellationToken cancellationToken)
    {
        // Kafka's client calls block: keep them off the circuit's thread.
        return await Task.Run(() => ListCoreAsync(cancellationToken), cancellationToken);
    }

    private async Task<IReadOnlyList<DeadLetterView>> ListCoreAsync(CancellationToken cancellationToken)
    {
        var partitions = positions.StatedPartitions(Kafka.DeadLetterTopic); // a topic missing or failing is an error, never "no dead letters"
        var perPartition = Math.Max(1, options.Value.DeadLetterPageSize / Math.Max(1, partitions.Count));
        var ranges = partitions
            .Select(p => (Partition: p, Marks: positions.Watermarks(p)))
            .Where(r => r.Marks.High.Value > r.Marks.Low.Value)
            .Select(r => (r.Partition, From: Math.Max(r.Marks.Low.Value, r.Marks.High.Value - perPartition), To: r.Marks.High.Value))
            .ToList();
        var letters = Read(ranges, cancellationToken);
        var replayed = await redis.GetDatabase().HashGetAllAsync(ReplayedKey);
        // A claim not followed by its acknowledgement (the console stopped between the two) is not a replay.
        var replayedAt = replayed
            .Where(e => !e.Value.ToString().StartsWith(ClaimPrefix, StringComparison.Ordinal))
            .ToDictionary(e => e.Name.ToString(), e => DateTimeOffset.Parse(e.Value.ToString(), CultureInfo.InvariantCulture));
        return [.. letters
            .Select(l => View(l.Position, l.Letter, replayedAt.TryGetValue($"{l.Position.Partition.Value}:{l.Position.Offset.Value}", out var at) ? at : null))
            .OrderByDescending(v => v.FailedAt).ThenByDescending(v => v.Offset)
            .Take(options.Value.DeadLetterPageSize)];
    }

    /// <summary>
    /// Sends the original messages of the given letters back to the votes topic, for
    /// <paramref name="by"/>; returns how many were sent. Asked again at the click, not only when the
    /// page opened: an operator signed out elsewhere (or whose session lapsed) replays nothing.
    /// </summary>
    /// <param name="letters">The letters as the operator confirmed them.</param>
    /// <param name="by">The operator.</param>
    /// <param name="cancellationToken">Cancels the reads and sends.</param>
    /// <param name="onlyIfNotReplayed">
    /// Replay all: each letter is claimed in Redis before it is sent, and one replayed meanwhile (from
    /// another tab, or by another operator, since this list was read) is skipped, not sent twice. A
    /// letter replayed by itself is sent whether or not it was before: the operator asked for that one.
    /// </param>
    /// <exception cref="UnauthorizedAccessException"><paramref name="by"/> is no operator with a current session.</exception>
    public async Task<int> ReplayAsync(IReadOnlyCollection<DeadLetterView> letters, ClaimsPrincipal by, CancellationToken cancellationToken, bool onlyIfNotReplayed = false)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (!by.IsInRole(ConsoleRoles.Operator) || !sessions.IsCurrent(by))
        {
            throw new UnauthorizedAccessException("Your sign-in has ended (or is not an operator's): sign in again. Nothing was replayed.");
        }

        var operatorName = by.Identity?.Name ?? "?";
        if (letters.FirstOrDefault(l => !l.CanReplay) is { } empty)
        {
            throw new InvalidOperationException(empty.CutFrom is null
                ? $"Dead letter {empty.Id} holds no original message to replay; nothing was replayed."
                : $"Dead letter {empty.Id} holds only the start of its message ({empty.CutFrom} bytes, too large to keep whole); nothing was replayed.");
        }

        var ranges = letters.Select(l => (new TopicPartition(Kafka.DeadLetterTopic, l.Partition), l.Offset, l.Offset + 1)).ToList();
        var originals = await Task.Run(() => Read(ranges, cancellationToken), cancellationToken);
        if (originals.Count != letters.Count)
        {
            throw new InvalidOperationException($"{letters.Count - originals.Count} of the {letters.Count} dead letters are no longer in {Kafka.DeadLetterTopic} (retention); nothing was replayed.");
        }

        // What is sent is what the operator confirmed, and only back where it came from.
        var confirmed = letters.ToDictionary(l => (l.Partition, l.Offset));
        foreach (var (position, letter) in originals)
        {
            var asListed = confirmed[(position.Partition.Value, position.Offset.Value)];
            if (Fingerprint(letter.Value) != asListed.Fingerprint)
            {
                throw new InvalidOperationException($"Dead letter {asListed.Id} now holds another message than the one listed (was {Kafka.DeadLetterTopic} recreated?); list the letters again. Nothing was replayed.");
            }

            if (letter.CutFrom is not null)
            {
                throw new InvalidOperationException($"Dead letter {asListed.Id} holds only the start of its message ({letter.CutFrom} bytes, too large to keep whole); nothing was replayed.");
            }

            if (letter.OriginalTopic != Kafka.VotesTopic)
            {
                throw new InvalidOperationException($"Dead letter {asListed.Id} came from {letter.OriginalTopic}, not from the votes topic {Kafka.VotesTopic}; nothing was replayed.");
            }
        }

        var sent = 0;
        var replayedMarks = redis.GetDatabase();
        foreach (var (position, letter) in originals)
        {
            var id = $"{position.Partition.Value}:{position.Offset.Value}";
            var at = clock.GetUtcNow();
            if (onlyIfNotReplayed && (int)await replayedMarks.ScriptEvaluateAsync(Claim, new
            {
                key = ReplayedKey,
                letter = (RedisValue)id,
                claim = (RedisValue)(ClaimPrefix + at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                staleBefore = (RedisValue)(at - ClaimLifetime).ToUnixTimeMilliseconds(),
            }) == 0)
            {
                LogSkipped(logger, operatorName, id);
                continue;
            }

            try
            {
                var result = await producer.Value.ProduceAsync(Kafka.VotesTopic, new Message<byte[], byte[]> { Key = letter.Key!, Value = letter.Value }, cancellationToken);
                if (result.Status != PersistenceStatus.Persisted)
                {
                    throw new VoteNotDurableException($"Replay of dead letter {id} not acknowledged: {result.Status}");
                }
            }
            catch when (onlyIfNotReplayed)
            {
                // Not sent (as far as can be told): the claim goes, so a later replay sends it.
                await replayedMarks.HashDeleteAsync(ReplayedKey, id);
                throw;
            }

            await replayedMarks.HashSetAsync(ReplayedKey, id, at.ToString("O", CultureInfo.InvariantCulture));

            sent++;
            LogReplayed(logger, operatorName, position.Partition.Value, position.Offset.Value, Kafka.VotesTopic);
        }

        return sent;
    }

    private List<(TopicPartitionOffset Position, DeadLetter Letter)> Read(
        IReadOnlyList<(TopicPartition Partition, long From, long To)> ranges, CancellationToken cancellationToken)
    {
        var letters = new List<(TopicPartitionOffset, DeadLetter)>();
        if (ranges.Count == 0)
        {
            return letters;
        }

        var config = KafkaClientConfigs.Consumer(Kafka, "voting-console-dlq-" + Guid.NewGuid().ToString("N"));
        config.EnablePartitionEof = true; // a partition's end ends its read (a letter gone by retention with nothing after it)
        config.FetchWaitMaxMs = 50; // a partition read to its end must not hold up the others' fetches
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler(KafkaClientLog.Write).Build();
        var limit = TimeSpan.FromMilliseconds(options.Value.DeadLetterReadMilliseconds);
        var deadline = DateTime.UtcNow + limit;

        // All partitions at once (a topic has up to Voting:Kafka:Partitions of them), each read from its
        // first range's start to its last range's end, keeping what falls in a range.
        var wanted = ranges.GroupBy(r => r.Partition.Partition.Value).ToDictionary(g => g.Key, g => g.Select(r => (r.From, r.To)).ToList());
        var unfinished = wanted.ToDictionary(w => w.Key, w => w.Value.Max(r => r.To));
        consumer.Assign(ranges.GroupBy(r => r.Partition).Select(g => new TopicPartitionOffset(g.Key, g.Min(r => r.From))));
        while (unfinished.Count > 0 && DateTime.UtcNow < deadline)
        {
            var message = consumer.Consume(TimeSpan.FromMilliseconds(Math.Clamp((deadline - DateTime.UtcNow).TotalMilliseconds, 0, 200)));
            cancellationToken.ThrowIfCancellationRequested();
            if (message is null || !unfinished.TryGetValue(message.Partition.Value, out var end))
            {
                continue;
            }

            // Past the ranges, or nothing more in the partition (offsets removed by retention are skipped).
            if (message.IsPartitionEOF || message.Offset.Value >= end)
            {
                unfinished.Remove(message.Partition.Value);
                continue;
            }

            if (wanted[message.Partition.Value].Exists(r => message.Offset.Value >= r.From && message.Offset.Value < r.To))
            {
                letters.Add((message.TopicPartitionOffset, Decode(message.Message.Value)));
            }

            if (message.Offset.Value + 1 >= end)
            {
                unfinished.Remove(message.Partition.Value);
            }
        }

        consumer.Close();

        // A shorter list shown as if whole would hide letters (or show "no dead letters") while the broker is slow.
        return unfinished.Count == 0
            ? letters
            : throw new InvalidOperationException(
                $"{Kafka.DeadLetterTopic} partition(s) {string.Join(", ", unfinished.Keys.Order())} could not be read within {limit.TotalSeconds:0.###} s (Voting:Console:DeadLetterReadMilliseconds); nothing is shown rather than part. Try again.");
    }

    private static DeadLetter Decode(byte[] value)
    {
        try
        {
            return JsonSerializer.Deserialize(value, DeadLetterJsonContext.Default.DeadLetter)
                ?? new DeadLetter("?", -1, -1, "empty dead-letter envelope", null, [], DateTimeOffset.MinValue);
        }
        catch (JsonException e)
        {
            // Not written by our processor: still listed, never replayed as a vote.
            return new DeadLetter("?", -1, -1, "unreadable dead-letter envelope: " + e.Message, null, [], DateTimeOffset.MinValue);
        }
    }

    private static DeadLetterView View(TopicPartitionOffset position, DeadLetter letter, DateTimeOffset? replayedAt) => new(
        position.Partition.Value, position.Offset.Value, letter.OriginalTopic, letter.OriginalPartition, letter.OriginalOffset, letter.Error,
        letter.FailedAt, letter.Value.Length, Fingerprint(letter.Value), replayedAt, letter.CutFrom);

    // Tells letters apart without showing the ballot: the first bytes of its SHA-256.
    private static string Fingerprint(byte[] message) => Convert.ToHexStringLower(SHA256.HashData(message).AsSpan(0, 6));

    public void Dispose()
    {
        if (producer.IsValueCreated)
        {
            producer.Value.Flush(TimeSpan.FromSeconds(10));
            producer.Value.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operator}'s replay of all skipped dead letter {Id}: replayed meanwhile")]
    private static partial void LogSkipped(ILogger logger, string @operator, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operator} replayed dead letter {Partition}:{Offset} to {Topic}")]
    private static partial void LogReplayed(ILogger logger, string @operator, int partition, long offset, string topic);
}
