namespace Voting.Infrastructure.Hosting;

/// <summary>Which schema steps have completed; read by the readiness check.</summary>
public sealed class SchemaState
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, string?> pending = [];

    internal void Expect(string step)
    {
        lock (gate)
        {
            pending.TryAdd(step, null);
        }
    }

    internal void Failed(string step, string error)
    {
        lock (gate)
        {
            pending[step] = error;
        }
    }

    internal void Done(string step)
    {
        lock (gate)
        {
            pending.Remove(step);
        }
    }

    /// <summary>Steps not yet done, with their last error if any.</summary>
    public IReadOnlyDictionary<string, string?> Pending()
    {
        lock (gate)
        {
            return new Dictionary<string, string?>(pending);
        }
    }
}
