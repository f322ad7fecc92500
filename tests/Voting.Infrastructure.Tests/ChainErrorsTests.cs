using Nethereum.Web3;
using Voting.Infrastructure.Chain;
using Voting.TestSupport;

namespace Voting.Infrastructure.Tests;

/// <summary>What operators read when a chain call fails, for failures of the stack's real node.</summary>
public sealed class ChainErrorsTests
{
    [Fact]
    public async Task A_call_whose_answer_never_comes_back_is_described_as_such_not_as_a_null_reference()
    {
        await using var proxy = RpcProxy.Start(LocalStack.Chain().RpcUrl);
        var web3 = new Web3(proxy.RpcUrl);
        proxy.FailNext("eth_blockNumber", RpcFault.AnswerLost);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => web3.Eth.Blocks.GetBlockNumber.SendRequestAsync());

        Assert.Equal(1, proxy.Faulted);
        Assert.Equal(ChainErrors.NoAnswer, ChainErrors.CauseMessage(e));
        Assert.Contains(ChainErrors.NoAnswer, ChainErrors.Describe(e), StringComparison.Ordinal);
        Assert.DoesNotContain("Object reference", ChainErrors.Describe(e), StringComparison.Ordinal);
        Assert.True((await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value > 0, "the next call goes through");
    }

    [Fact]
    public async Task A_refusal_is_described_by_the_nodes_own_message()
    {
        await using var proxy = RpcProxy.Start(LocalStack.Chain().RpcUrl);
        proxy.FailNext("eth_blockNumber", RpcFault.Refused, "header not found");

        var e = await Assert.ThrowsAnyAsync<Exception>(() => new Web3(proxy.RpcUrl).Eth.Blocks.GetBlockNumber.SendRequestAsync());

        Assert.StartsWith("header not found", ChainErrors.Describe(e), StringComparison.Ordinal);
    }

    [Fact]
    public void An_exception_of_our_own_code_keeps_its_message()
    {
        var e = new InvalidOperationException("outer", new NullReferenceException("inner"));

        Assert.Equal("outer (NullReferenceException: inner)", ChainErrors.Describe(e));
        Assert.Equal("inner", ChainErrors.CauseMessage(e));
    }
}
