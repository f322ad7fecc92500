using System.Text;
using System.Text.Json;
using Voting.Core.Ballots;

namespace Voting.Core.Tests.Ballots;

/// <summary>
/// The processor decodes every message with <see cref="VoteMessageReader"/>. What it decides must be
/// exactly what the serializer decides: the same message, or the same refusal (a dead letter).
/// </summary>
public sealed class VoteMessageReaderTests
{
    [Fact]
    public void Messages_as_ingest_writes_them_take_the_fast_pass_and_read_as_the_serializer_reads_them()
    {
        var random = new Random(2028);
        foreach (var candidate in new[] { "harper", "O'Brien", "Zoë \"Z\" Ngô", "a\\b\u2028", "" })
        {
            for (var i = 0; i < 50; i++)
            {
                var message = new VoteMessage(VoteMessage.CurrentVersion, $"general-{random.Next()}", Bytes(random, 32), "CA", candidate, Bytes(random, 16), Bytes(random, 32), random.NextInt64());
                var json = JsonSerializer.SerializeToUtf8Bytes(message, VotingJsonContext.Default.VoteMessage);
                Assert.True(VoteMessageReader.TryReadWrittenShape(json, out var fast), Encoding.UTF8.GetString(json));
                AssertSame(JsonSerializer.Deserialize(json, VotingJsonContext.Default.VoteMessage)!, fast!);
                AssertSame(message, VoteMessageReader.Read(json)!);
            }
        }
    }

    public static TheoryData<string> Variants => new()
    {
        // Other orders, casing, types, nulls, missing, unknown or repeated properties, whitespace, malformed JSON.
        { """{"electionId":"e","version":1,"pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}""" },
        { """{"Version":1,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}""" },
        { """{"version":"1","electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":"5"}""" },
        { """{"version":1,"electionId":null,"pseudonym":null,"state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}""" },
        { """{"version":1,"electionId":"e","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}""" },
        { """  {"version":1,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}  """ },
        { """{"version":1,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5,"voterId":"123"}""" },
        { """{"version":1,"version":2,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}""" },
        { """{"version":1.5,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}""" },
        { """{"version":1,"electionId":"e","pseudonym":"not base64!","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}""" },
        { """{"version":1,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":99999999999999999999}""" },
        { """{"version":1,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5}{}""" },
        { """{"version":1,"electionId":"e","pseudonym":"AA==","state":"CA","candidate":"c","ballotId":"AA==","ballotHash":"AA==","acceptedAtUnixMs":5""" },
        { """[1,"e"]""" },
        { "" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Any_other_shape_is_decided_as_the_serializer_decides_it(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        AgreesWithTheSerializer(bytes);
        VoteMessage? bySerializer;
        try
        {
            bySerializer = JsonSerializer.Deserialize(bytes, VotingJsonContext.Default.VoteMessage);
        }
        catch (JsonException)
        {
            Assert.ThrowsAny<JsonException>(() => VoteMessageReader.Read(bytes));
            return;
        }

        AssertSame(bySerializer!, VoteMessageReader.Read(bytes)!);
    }

    [Fact]
    public void Json_null_reads_as_no_message_as_the_serializer_reads_it() => Assert.Null(VoteMessageReader.Read("null"u8));

    [Fact]
    public void A_written_message_cut_or_changed_anywhere_is_never_read_differently_from_the_serializer()
    {
        var random = new Random(7);
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new VoteMessage(1, "general-2028", Bytes(random, 32), "OH", "harper", Bytes(random, 16), Bytes(random, 32), 1_700_000_000_000), VotingJsonContext.Default.VoteMessage);
        var fastReads = 0;
        for (var i = 0; i < json.Length; i++)
        {
            foreach (var replacement in "\"{}[],:0aA\\ \u00e9"u8.ToArray().Append((byte)0xFF))
            {
                var changed = (byte[])json.Clone();
                changed[i] = replacement;
                fastReads += AgreesWithTheSerializer(changed);
            }

            fastReads += AgreesWithTheSerializer(json[..i]);
        }

        Assert.True(fastReads > 0, "some changes (inside a string) keep the written shape and must be read by the fast pass");
    }

    /// <summary>1 when the fast pass read <paramref name="json"/> (and agreed), 0 when it left it to the serializer.</summary>
    private static int AgreesWithTheSerializer(byte[] json)
    {
        VoteMessage? bySerializer;
        try
        {
            bySerializer = JsonSerializer.Deserialize(json, VotingJsonContext.Default.VoteMessage);
        }
        catch (JsonException)
        {
            Assert.False(VoteMessageReader.TryReadWrittenShape(json, out _), $"the fast pass read what the serializer refuses: {Encoding.UTF8.GetString(json)}");
            return 0;
        }

        if (!VoteMessageReader.TryReadWrittenShape(json, out var fast))
        {
            return 0;
        }

        AssertSame(bySerializer!, fast!);
        return 1;
    }

    private static void AssertSame(VoteMessage expected, VoteMessage actual)
    {
        Assert.Equal(
            (expected.Version, expected.ElectionId, expected.State, expected.Candidate, expected.AcceptedAtUnixMs),
            (actual.Version, actual.ElectionId, actual.State, actual.Candidate, actual.AcceptedAtUnixMs));
        Assert.Equal(expected.Pseudonym, actual.Pseudonym);
        Assert.Equal(expected.BallotId, actual.BallotId);
        Assert.Equal(expected.BallotHash, actual.BallotHash);
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
