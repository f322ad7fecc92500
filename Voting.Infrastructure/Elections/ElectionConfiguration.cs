using Microsoft.Extensions.Configuration;

namespace Voting.Infrastructure.Elections;

/// <summary>
/// Reads <c>Voting:Elections</c> one election at a time. Bound as a list, an election with one value
/// that does not convert (an <c>OpensAt</c> of "soon", a registered-voter count of "lots") is silently
/// left out of the list: the deployment would start without that election, and refuse its voters as
/// voting in an unknown election. Here each is an error naming the setting, and so is a key
/// <see cref="ElectionOptions"/> does not have (a misspelt one would otherwise be ignored).
/// </summary>
public static class ElectionConfiguration
{
    /// <summary>Every election configured under <paramref name="section"/>, in order.</summary>
    /// <exception cref="InvalidOperationException">A setting that can't be read, naming it.</exception>
    public static List<ElectionOptions> Read(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var elections = new List<ElectionOptions>();
        foreach (var election in section.GetChildren())
        {
            ElectionOptions options;
            try
            {
                options = election.Get<ElectionOptions>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new ElectionOptions();
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{election.Path}: {Describe(e)}", e);
            }

            elections.Add(options);
        }

        return elections;
    }

    // The binder's messages down the chain, less its preamble ("… was set and binding has failed"):
    // "Failed to convert configuration value 'soon' at '…:OpensAt' to type 'System.DateTimeOffset'. soon is not a valid value …".
    private static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            if (!cause.Message.StartsWith("'ErrorOnUnknownConfiguration' was set and binding has failed", StringComparison.Ordinal))
            {
                messages.Add(cause.Message);
            }
        }

        return string.Join(" ", messages);
    }
}
