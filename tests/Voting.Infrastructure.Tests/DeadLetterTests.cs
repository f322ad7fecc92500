using Voting.Infrastructure.Kafka;

namespace Voting.Infrastructure.Tests;

/// <summary>A letter must always fit on the dead-letter topic, or its partition stops for ever.</summary>
public sealed class DeadLetterTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UnixEpoch;

    [Fact]
    public void A_message_up_to_the_limit_is_held_whole()
    {
        var value = new byte[DeadLetter.MaxHeldBytes - 32];
        var letter = DeadLetter.Of("votes", 3, 41, "undecodable", new byte[32], value, At);

        Assert.Null(letter.CutFrom);
        Assert.Equal((32, value.Length), (letter.Key!.Length, letter.Value.Length));
    }

    [Fact]
    public void A_larger_message_keeps_its_start_and_says_how_large_it_was()
    {
        var key = Enumerable.Range(0, 5_000).Select(i => (byte)i).ToArray();
        var value = Enumerable.Range(0, 900_000).Select(i => (byte)(i * 7)).ToArray();
        var letter = DeadLetter.Of("votes", 3, 41, "undecodable", key, value, At);

        Assert.Equal(905_000, letter.CutFrom);
        Assert.Equal(key[..1024], letter.Key);
        Assert.Equal(value[..(DeadLetter.MaxHeldBytes - 1024)], letter.Value);
        Assert.Equal(("votes", 3, 41L, "undecodable"), (letter.OriginalTopic, letter.OriginalPartition, letter.OriginalOffset, letter.Error));
    }
}
