using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Voting.Core.Ballots;
using Voting.Infrastructure.Kafka;

namespace Voting.Bench.Processor;

/// <summary>Pre-fills a topic with vote messages (acks=all, keyed by pseudonym, as ingest does), as fast as the producer goes.</summary>
internal static class TopicFiller
{
    public static TimeSpan Fill(KafkaOptions kafka, string topic, IReadOnlyList<VoteMessage> votes, Action<long> progress)
    {
        var config = KafkaClientConfigs.Producer(kafka);
        config.LingerMs = 20;
        config.BatchNumMessages = 10_000;
        config.QueueBufferingMaxMessages = 200_000;
        config.MessageTimeoutMs = 120_000;
        using var producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler(KafkaClientLog.Write).Build();
        long acknowledged = 0;
        string? failure = null;
        var clock = Stopwatch.StartNew();
        foreach (var vote in votes)
        {
            var message = new Message<byte[], byte[]> { Key = vote.Pseudonym, Value = JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.VoteMessage) };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, report =>
                    {
                        if (report.Error.IsError)
                        {
                            failure ??= report.Error.Reason;
                        }
                        else if (Interlocked.Increment(ref acknowledged) % 50_000 == 0)
                        {
                            progress(acknowledged);
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(5));
        if (failure is not null || Interlocked.Read(ref acknowledged) != votes.Count)
        {
            throw new InvalidOperationException($"filling {topic}: {Interlocked.Read(ref acknowledged):N0} of {votes.Count:N0} acknowledged; {failure ?? "flush timed out"}");
        }

        return clock.Elapsed;
    }
}
