gateway-unreachable = Cannot reach the eligibility service ({ $target }). Check the network and the service. What you typed is still there.
gateway-timeout = The eligibility service ({ $target }) did not answer within { $seconds } seconds. Please try again shortly.
gateway-bad-response = The answer of the eligibility service ({ $target }) could not be read ({ $detail }).
gateway-service-error = The eligibility service reported an error: { $message } ({ $code })
gateway-rejected = The qualification terminal refused the request file { $file } (its message: { $text }). Nothing was checked. The rows not yet checked are still there: fix the cause and resume.
gateway-batch-processing = The qualification terminal is still processing the batch (reception number { $reception }; waited { $seconds } s). The rows not yet checked stay, and the reception number is kept: resume the batch later to fetch the results without sending the rows again.
