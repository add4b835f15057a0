gateway-unreachable = Cannot reach the eligibility service ({ $target }). Check the network and the service. What you typed is still there.
gateway-timeout = The eligibility service ({ $target }) did not answer within { $seconds } seconds. Please try again shortly.
gateway-bad-response = The answer of the eligibility service ({ $target }) could not be read ({ $detail }).
gateway-service-error = The eligibility service reported an error: { $message } ({ $code })
