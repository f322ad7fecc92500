using Bunit;
using Voting.Console.Blazor.Components.Operations;
using Voting.Console.Blazor.DeadLetters;

namespace Voting.Console.Blazor.Tests.Components;

public sealed class DeadLetterTableTests : ComponentTest
{
    private static readonly DeadLetterView Replayable = new(2, 17, "votes", 5, 1_234, "unknown message version 2", DateTimeOffset.Parse("2026-11-29T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 312, "a1b2c3d4e5f6", null);
    private static readonly DeadLetterView Unreadable = Replayable with { Offset = 18, Error = "unreadable dead-letter envelope", Bytes = 0 };
    private static readonly DeadLetterView Cut = Replayable with { Offset = 19, Error = "candidate missing or longer than 64", Bytes = 65_536, CutFrom = 900_042 };

    [Fact]
    public void A_letter_shows_its_position_error_and_size_but_never_its_content()
    {
        var rendered = Context.Render<DeadLetterTable>(p => p.Add(t => t.Letters, [Replayable]).Add(t => t.CanReplay, true));

        var row = rendered.Find("[data-letter='2:17']");
        Assert.Contains("unknown message version 2", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("votes [5] @ 1234", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("312 B · a1b2c3d4e5f6", row.TextContent, StringComparison.Ordinal);
        // The view type itself carries no pseudonym, candidate or raw bytes: nothing to leak.
        Assert.DoesNotContain(typeof(DeadLetterView).GetProperties(), p => p.PropertyType == typeof(byte[]) || p.Name.Contains("Candidate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_buttons_call_back_with_their_letter_and_are_disabled_without_an_original_message()
    {
        DeadLetterView? asked = null;
        var rendered = Context.Render<DeadLetterTable>(p => p
            .Add(t => t.Letters, [Replayable, Unreadable, Cut])
            .Add(t => t.CanReplay, true)
            .Add(t => t.OnReplay, (DeadLetterView letter) => asked = letter));

        Assert.True(rendered.Find("[data-letter='2:18'] button").HasAttribute("disabled"));
        // A message too large to keep whole in its letter: only its start is there, nothing to send back.
        Assert.True(rendered.Find("[data-letter='2:19'] button").HasAttribute("disabled"));
        Assert.Contains("900042 B, cut · a1b2c3d4e5f6", rendered.Find("[data-letter='2:19']").TextContent, StringComparison.Ordinal);
        await rendered.Find("[data-letter='2:17'] button").ClickAsync(new());
        Assert.Equal(Replayable, asked);
    }

    [Fact]
    public void Without_the_right_to_replay_there_are_no_buttons()
    {
        var rendered = Context.Render<DeadLetterTable>(p => p.Add(t => t.Letters, [Replayable]).Add(t => t.CanReplay, false));

        Assert.Empty(rendered.FindAll("button"));
    }
}
