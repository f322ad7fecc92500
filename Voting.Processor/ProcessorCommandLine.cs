namespace Voting.Processor;

/// <summary>
/// What the processor's command line asks for: serve (settings only, as <c>--key value</c> or
/// <c>--key=value</c>), a command (<c>reconcile</c>, <c>rebuild-tallies</c>: always the first word;
/// each checks its own arguments), the usage, or nothing it understands. Anything but a clean
/// settings list is refused: serving joins the consumer group and writes, so a mistyped command must
/// never start it.
/// </summary>
public static class ProcessorCommandLine
{
    public const string Usage = "usage: Voting.Processor [--setting value …] | reconcile ELECTION_ID | rebuild-tallies ELECTION_ID";

    private static readonly string[] Commands = ["reconcile", "rebuild-tallies"];

    /// <summary>The command <paramref name="args"/> name ("serve", "help" or a command), or the one-line reason they are refused.</summary>
    public static (string? Command, string? Refusal) Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return ("serve", null);
        }

        if (Commands.Contains(args[0]))
        {
            return (args[0], null);
        }

        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (word is "--help" or "-h")
            {
                return ("help", null);
            }

            if (Commands.Contains(word))
            {
                return (null, $"'{word}' must be the first word (settings for it come from the environment: Voting__Section__Key)");
            }

            if (!word.StartsWith("--", StringComparison.Ordinal) || word.Length == 2)
            {
                return (null, i == 0 ? $"unknown command '{word}'" : $"'{word}' is neither a --setting nor the value of one");
            }

            var key = word[2..].Split('=', 2)[0];
            if (Commands.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                return (null, $"'{word}' is a setting, not the command; did you mean '{key}' (as the first word)?");
            }

            if (!word.Contains('=', StringComparison.Ordinal))
            {
                if (i + 1 == args.Count)
                {
                    return (null, $"'{word}' needs a value");
                }

                i++; // its value
            }
        }

        return ("serve", null);
    }
}
