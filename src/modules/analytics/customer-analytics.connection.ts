import { Connection } from '../../common/pagination';
import { CustomerAnalyticsRow } from './analytics.types';

export const CustomerAnalyticsConnection = Connection(CustomerAnalyticsRow);
